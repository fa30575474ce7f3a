import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(def);

/** Every variable the hub reads, with its default. Nothing else reads process.env. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  KJ_HTTP_PORT: int(3000, 0, 65535),
  KJ_HTTP_HOST: z.string().default('0.0.0.0'),
  KJ_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').default('postgres://postgres@127.0.0.1:5432/kanjian'),
  KJ_DATABASE_POOL: int(8, 1, 200),
  KJ_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key, BullMQ queue and Socket.IO channel: lets tests and tenants share one Redis. */
  KJ_REDIS_PREFIX: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'must be 1–32 of a-z 0-9 _ -').default('kj'),
  KJ_JWT_SECRET: z.string().min(16, 'must be at least 16 characters').default('kanjian-dev-secret-change-me'),
  KJ_JWT_TTL_S: int(12 * 3600, 60),
  KJ_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).optional(),
  KJ_MIGRATE_ON_START: bool.default(true),
  /** Ingest buffer: flush when this many events are waiting, or after this many milliseconds. */
  KJ_INGEST_FLUSH_ROWS: int(10_000, 1, 100_000),
  KJ_INGEST_FLUSH_MS: int(20, 1, 5000),
  /** Position frames per room: one frame per interval carrying each vehicle's latest position (hq: the whole fleet). */
  KJ_POSITION_FRAME_MS: int(125, 20, 10_000),
  KJ_HQ_FRAME_MS: int(1000, 20, 10_000),
  KJ_BINARY_FRAME_MIN: int(1000, 0, 1_000_000),
  KJ_EVIDENCE_DIR: z.string().default('./data/evidence'),
  KJ_WALLBOARD_DIR: z.string().optional(),
  KJ_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KJ_RULES_ENABLED: bool.default(true),
});

export type AppConfig = Readonly<z.infer<typeof EnvSchema> & { instanceId: string }>;

export class ConfigError extends Error {}

/** Parses the environment once; lists every bad variable at the same time so a deploy is fixed in one go. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(EnvSchema.shape)) if (env[key] !== undefined && env[key] !== '') picked[key] = env[key];
  const r = EnvSchema.safeParse(picked);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  if (r.data.NODE_ENV === 'production' && r.data.KJ_JWT_SECRET === 'kanjian-dev-secret-change-me') {
    throw new ConfigError('invalid configuration:\n  KJ_JWT_SECRET: must be set in production');
  }
  const instanceId = r.data.KJ_INSTANCE_ID ?? `hub-${process.pid}`;
  return Object.freeze({ ...r.data, instanceId });
}

export const APP_CONFIG = Symbol('APP_CONFIG');
