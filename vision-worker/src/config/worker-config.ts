import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { RefIdSchema, RULES } from '@kanjian/shared';
import { z } from 'zod';

const PointSchema = z.tuple([z.number(), z.number()]);

export const CalibrationSchema = z.object({
  /** Four marked points in the camera's own pixels (full resolution, before any scaling)… */
  imagePoints: z.array(PointSchema).length(4),
  /** …and where they are on the floor plan, in centimetres. */
  floorPointsCm: z.array(PointSchema).length(4),
  /** Height of the surface the points were marked on (0 = the floor itself). */
  surfaceHeightCm: z.number().min(0).max(500).default(0),
  /** Focal length in pixels if known; recovered from the points otherwise. */
  focalPx: z.number().positive().optional(),
});

export const ZoneSchema = z.object({
  kind: z.enum(['conveyor', 'floor', 'drop']),
  /** Image polygon in the camera's own pixels. */
  polygon: z.array(PointSchema).min(3),
});

export const SourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path: z.string().min(1), realtime: z.boolean().default(true), loop: z.boolean().default(false) }),
  z.object({ kind: z.literal('rtsp'), url: z.string().regex(/^rtsps?:\/\//, 'must be an rtsp:// URL') }),
  z.object({ kind: z.literal('images'), dir: z.string().min(1), fps: z.number().positive().max(120) }),
]);

export const CameraConfigSchema = z.object({
  id: RefIdSchema,
  floorId: RefIdSchema,
  /** Position along the floor (metres), as in the reference network. */
  positionM: z.number().optional(),
  source: SourceSchema,
  /** The worker processes frames scaled to fit in this many pixels. */
  maxSide: z.number().int().min(160).max(1920).default(640),
  calibration: CalibrationSchema,
  zones: z.array(ZoneSchema).default([]),
});

export const FloorSettingsSchema = z.object({
  dropHeightCm: z.number().min(5).max(500).default(RULES.S1.defaults.dropHeightCm),
  kickMinSpeedCmS: z.number().min(20).max(2000).default(150),
});

export const WorkerConfigSchema = z.object({
  /** Identifies this worker as the `source` of its events. */
  workerId: z.string().min(1).max(64).default('vision-worker'),
  hub: z.object({
    url: z.url(),
    /** Feed token; KJ_FEED_TOKEN overrides it so the file can be shared without the secret. */
    token: z.string().min(1).optional(),
  }),
  outboxDir: z.string().min(1),
  model: z
    .object({
      path: z.string().min(1).optional(),
      classNames: z.array(z.string()).optional(),
      inputSize: z.number().int().min(32).max(2048).optional(),
      parcelClass: z.string().default('parcel'),
      personClass: z.string().default('person'),
      /** A detection scoring this much starts a track. */
      confThreshold: z.number().min(0.01).max(0.99).default(0.3),
      /**
       * Weaker detections down to this score only continue a track (a blurred parcel in flight, one half hidden in
       * the hands). Off unless set: with the default model it follows more of each fall but the judges find no
       * more throws and raise more false ones (docs/vision.md).
       */
      lowConfThreshold: z.number().min(0.01).max(0.99).optional(),
      threads: z.number().int().min(1).max(64).default(2),
      /**
       * The throw classifier over settled parcel motions (default: the shipped models/throw-motion.json); "off"
       * leaves the decision to the geometric judge alone.
       */
      motionModel: z.string().min(1).optional(),
    })
    .prefault({}),
  floors: z.record(z.string(), FloorSettingsSchema).default({}),
  cameras: z.array(CameraConfigSchema).min(1),
  heartbeatSeconds: z.number().min(1).max(300).default(15),
  scanSeconds: z.number().min(5).max(3600).default(60),
  /** Attach a short MP4 around each violation (files and streams alike, from the frame ring). */
  clips: z.boolean().default(true),
  snapshotQuality: z.number().int().min(30).max(100).default(85),
});
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;
export type CameraConfig = z.infer<typeof CameraConfigSchema>;

/** The environment, parsed once. */
export interface WorkerEnv {
  configPath: string;
  feedToken?: string;
  hubUrl?: string;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const configPath = env.KJ_VISION_CONFIG;
  if (!configPath) throw new Error('KJ_VISION_CONFIG must name the worker config file (JSON)');
  return Object.freeze({ configPath, feedToken: env.KJ_FEED_TOKEN || undefined, hubUrl: env.KJ_HUB_URL || undefined });
}

/** Reads and validates the config; relative paths are resolved against the config file's folder. */
export function loadWorkerConfig(path: string, env?: Pick<WorkerEnv, 'feedToken' | 'hubUrl'>): WorkerConfig & { hub: { token: string } } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: cannot read the worker config (${(e as Error).message})`);
  }
  const r = WorkerConfigSchema.safeParse(raw);
  if (!r.success) throw new Error(`${path}: invalid worker config:\n${r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
  const c = r.data;
  const base = dirname(resolve(path));
  const token = env?.feedToken ?? c.hub.token;
  if (!token) throw new Error(`${path}: no feed token (set hub.token or KJ_FEED_TOKEN)`);
  if (c.model.lowConfThreshold !== undefined && c.model.lowConfThreshold > c.model.confThreshold)
    throw new Error(`${path}: model.lowConfThreshold (${c.model.lowConfThreshold}) must not exceed model.confThreshold (${c.model.confThreshold})`);
  const ids = new Set<string>();
  for (const cam of c.cameras) {
    if (ids.has(cam.id)) throw new Error(`${path}: camera id ${cam.id} appears twice`);
    ids.add(cam.id);
    if (cam.source.kind === 'file') cam.source.path = resolve(base, cam.source.path);
    if (cam.source.kind === 'images') cam.source.dir = resolve(base, cam.source.dir);
  }
  return {
    ...c,
    hub: { url: env?.hubUrl ?? c.hub.url, token },
    outboxDir: resolve(base, c.outboxDir),
    model: {
      ...c.model,
      path: c.model.path ? resolve(base, c.model.path) : undefined,
      motionModel: c.model.motionModel && c.model.motionModel !== 'off' ? resolve(base, c.model.motionModel) : c.model.motionModel,
    },
  };
}
