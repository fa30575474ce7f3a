import { z } from 'zod';
import { envelope, RefIdSchema, WaybillNoSchema } from './common';

/** Parcels handled on a floor since the previous count: the denominator of today's compliance rate. */
export const SortingScanSchema = envelope('sorting.scan', {
  floorId: RefIdSchema,
  parcels: z.number().int().min(0).max(1_000_000),
  sorterId: RefIdSchema.optional(),
});

/** A damaged or abnormal parcel: first detected, then registered in the exception system (rule S3). */
export const SortingExceptionSchema = envelope('sorting.exception', {
  floorId: RefIdSchema,
  waybillNo: WaybillNoSchema,
  kind: z.enum(['damaged', 'leaking', 'unlabelled', 'misrouted', 'prohibited', 'other']),
  status: z.enum(['detected', 'registered']),
  staffId: RefIdSchema.optional(),
});

/** 快递100-style tracking states: 1 揽收, 0 在途, 5 派件, 3 签收, 2xx 疑难, 14 拒签 … */
export const WaybillTrackingSchema = envelope('waybill.tracking', {
  waybillNo: WaybillNoSchema,
  status: z.number().int().min(0).max(9999),
  siteId: RefIdSchema,
  note: z.string().max(500).optional(),
});
