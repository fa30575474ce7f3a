import { z } from 'zod';

/** Reference-data ids are short slugs chosen by the operator (e.g. `SH-HUB-01`), never free text. */
export const RefIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'must be an id of letters, digits and _ . : -');

/** Waybill numbers (运单号): carriers use 10–20 alphanumerics. */
export const WaybillNoSchema = z
  .string()
  .regex(/^[A-Za-z0-9]{8,24}$/, 'must be 8–24 letters or digits');

export const LatSchema = z.number().min(-90).max(90);
export const LonSchema = z.number().min(-180).max(180);

/** A pointer to stored evidence; the bytes live in object storage or on the hub's evidence store. */
export const EvidenceRefSchema = z.object({
  kind: z.enum(['photo', 'snapshot', 'clip', 'call_recording', 'track', 'receipt']),
  uri: z.string().min(1).max(2048),
  sha256: z
    .string()
    .regex(/^[a-f0-9]{64}$/)
    .optional(),
});
export type EvidenceRef = z.infer<typeof EvidenceRefSchema>;

/**
 * The envelope every ingested fact shares. `id` is the sender's idempotency key: a retry resends the same
 * id (and the same `at`, since it is the same fact), and the hub stores it once.
 */
export const EnvelopeBaseSchema = z.object({
  id: z.uuid(),
  at: z.iso.datetime({ offset: true }),
  source: z.string().min(1).max(128).optional(),
  v: z.literal(1).default(1),
});

export function envelope<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return EnvelopeBaseSchema.extend({ type: z.literal(type), ...shape }).strict();
}
