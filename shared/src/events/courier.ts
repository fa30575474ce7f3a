import { z } from 'zod';
import { envelope, EvidenceRefSchema, LatSchema, LonSchema, RefIdSchema, WaybillNoSchema } from './common';

/** The waybill (面单) fields a pickup records; rule P3 counts the required ones that are missing. */
export const WaybillFieldsSchema = z.object({
  senderName: z.string().max(200).optional(),
  senderAddress: z.string().max(500).optional(),
  senderPhone: z.string().max(40).optional(),
  recipientName: z.string().max(200).optional(),
  recipientAddress: z.string().max(500).optional(),
  recipientPhone: z.string().max(40).optional(),
  itemName: z.string().max(200).optional(),
  itemNature: z.string().max(200).optional(),
  quantity: z.number().int().min(0).optional(),
  weightKg: z.number().min(0).optional(),
  feeYuan: z.number().min(0).optional(),
  insuredValueYuan: z.number().min(0).optional(),
  paymentType: z.enum(['prepaid', 'collect', 'monthly', 'third_party']).optional(),
});
export type WaybillFields = z.infer<typeof WaybillFieldsSchema>;

/** The legal minimum of 《快递市场管理办法》 plus weight and fee: the base of rule P3. */
export const REQUIRED_WAYBILL_FIELDS = [
  'senderName',
  'senderAddress',
  'senderPhone',
  'recipientName',
  'recipientAddress',
  'recipientPhone',
  'itemName',
  'itemNature',
  'quantity',
  'weightKg',
  'feeYuan',
] as const satisfies readonly (keyof WaybillFields)[];

export const PickupCompletedSchema = envelope('pickup.completed', {
  waybillNo: WaybillNoSchema,
  courierId: RefIdSchema,
  siteId: RefIdSchema,
  inspectionPhoto: EvidenceRefSchema.optional(),
  declaredContents: z.string().max(500),
  waybill: WaybillFieldsSchema,
  insuranceOffered: z.boolean(),
  realNameVerified: z.boolean(),
  lat: LatSchema.optional(),
  lon: LonSchema.optional(),
});

export const DeliveryOutSchema = envelope('delivery.out', {
  waybillNo: WaybillNoSchema,
  courierId: RefIdSchema,
  siteId: RefIdSchema,
});

export const DeliveryCallSchema = envelope('delivery.call', {
  waybillNo: WaybillNoSchema,
  courierId: RefIdSchema,
  siteId: RefIdSchema,
  answered: z.boolean(),
  durationS: z.number().int().min(0).max(86400),
  recording: EvidenceRefSchema.optional(),
});

export const DeliveryConsentSchema = envelope('delivery.consent', {
  waybillNo: WaybillNoSchema,
  siteId: RefIdSchema,
  courierId: RefIdSchema.optional(),
  channel: z.enum(['sms', 'app', 'phone']),
  dropPoint: z.enum(['locker', 'station', 'neighbour', 'door']),
  granted: z.boolean(),
});

export const DeliverySignedSchema = envelope('delivery.signed', {
  waybillNo: WaybillNoSchema,
  courierId: RefIdSchema,
  siteId: RefIdSchema,
  method: z.enum(['in_person', 'locker', 'station']),
  signer: z.enum(['recipient', 'authorised_proxy', 'unauthorised_proxy', 'none']),
  signerName: z.string().max(200).optional(),
  photo: EvidenceRefSchema.optional(),
  lat: LatSchema.optional(),
  lon: LonSchema.optional(),
  /** Where the recipient lives, when known, so rule D4 can judge a sign-off far from the address. */
  addressLat: LatSchema.optional(),
  addressLon: LonSchema.optional(),
});
