import { z } from 'zod';
import { envelope, EvidenceRefSchema, RefIdSchema } from './common';

/** A sorting-floor violation seen by a vision worker (rules S1, S2). */
export const SortingViolationSchema = envelope('sorting.violation', {
  floorId: RefIdSchema,
  cameraId: RefIdSchema,
  kind: z.enum(['throw', 'drop', 'kick']),
  dropHeightCm: z.number().min(0).max(1000).optional(),
  confidence: z.number().min(0).max(1),
  snapshot: EvidenceRefSchema.optional(),
  clip: EvidenceRefSchema.optional(),
  /** The sorter, when the floor's roster or a badge reader can tell who stood there. */
  sorterId: RefIdSchema.optional(),
  personTrackId: z.string().max(64).optional(),
});

export const CameraHeartbeatSchema = envelope('camera.heartbeat', {
  cameraId: RefIdSchema,
  floorId: RefIdSchema,
  fps: z.number().min(0).max(240).optional(),
  status: z.enum(['ok', 'degraded']).default('ok'),
});
