import { z } from 'zod';
import { envelope, RefIdSchema, WaybillNoSchema } from './common';

export const ComplaintCategorySchema = z.enum(['delay', 'lost', 'damaged', 'attitude', 'other']);

export const ComplaintOpenedSchema = envelope('complaint.opened', {
  complaintId: RefIdSchema,
  waybillNo: WaybillNoSchema.optional(),
  siteId: RefIdSchema,
  category: ComplaintCategorySchema,
  channel: z.enum(['phone', 'app', 'web', 'regulator']),
  text: z.string().max(4000).optional(),
});

export const ComplaintRespondedSchema = envelope('complaint.responded', {
  complaintId: RefIdSchema,
  siteId: RefIdSchema,
  by: RefIdSchema,
});

export const ComplaintResolvedSchema = envelope('complaint.resolved', {
  complaintId: RefIdSchema,
  siteId: RefIdSchema,
  by: RefIdSchema,
  outcome: z.enum(['compensated', 'explained', 'redelivered', 'rejected', 'other']),
});

export const RatingSubmittedSchema = envelope('rating.submitted', {
  siteId: RefIdSchema,
  touchpoint: z.enum(['pickup', 'delivery', 'aftersales', 'overall']),
  /** 1–5 stars as the apps collect them; CSAT is the share of 4 and 5. */
  score: z.number().int().min(1).max(5),
  waybillNo: WaybillNoSchema.optional(),
  complaintId: RefIdSchema.optional(),
  courierId: RefIdSchema.optional(),
});
