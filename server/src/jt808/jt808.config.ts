import { z } from 'zod';
import { DEFAULT_BATCHING, type BatchingOptions } from './event-sink';
import type { MapperOptions } from './jt808-event.mapper';
import { DEFAULT_GATEWAY_OPTIONS, type GatewayOptions } from './jt808-gateway';

/** The gateway process's environment, parsed once; a bad variable fails the start with every problem listed. */

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const EnvSchema = z.object({
  KJ_JT808_HOST: z.string().min(1).default(DEFAULT_GATEWAY_OPTIONS.host),
  KJ_JT808_PORT: int(0, 65535).default(DEFAULT_GATEWAY_OPTIONS.port),
  KJ_JT808_HUB_URL: z.url({ protocol: /^https?$/ }),
  KJ_JT808_TOKEN: z.string().min(8, 'must be a feed token'),
  KJ_JT808_AUTH_SECRET: z.string().min(16, 'must be at least 16 characters'),
  /** Port of the /metrics and /health HTTP endpoint; 0 turns it off. */
  KJ_JT808_METRICS_PORT: int(0, 65535).default(0),
  KJ_JT808_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  KJ_JT808_TEMP_EXTRA_ID: z
    .string()
    .default('0x51')
    .transform((s, ctx) => {
      if (s === 'none' || s === '') return null;
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0 || n > 255) {
        ctx.addIssue({ code: 'custom', message: 'must be a byte (e.g. 0x51) or "none"' });
        return z.NEVER;
      }
      return n;
    }),
  KJ_JT808_TEMP_ENCODING: z.enum(['int16', 'sign-magnitude']).default('int16'),
  KJ_JT808_IDLE_TIMEOUT_S: int(5, 3600).default(DEFAULT_GATEWAY_OPTIONS.idleTimeoutMs / 1000),
  KJ_JT808_AUTH_TIMEOUT_S: int(1, 600).default(DEFAULT_GATEWAY_OPTIONS.authTimeoutMs / 1000),
  KJ_JT808_RATE_FPS: int(1, 100_000).default(DEFAULT_GATEWAY_OPTIONS.rateFramesPerSec),
  KJ_JT808_RATE_BURST: int(1, 100_000).default(DEFAULT_GATEWAY_OPTIONS.rateBurst),
  KJ_JT808_MAX_CONNECTIONS: int(1, 1_000_000).default(DEFAULT_GATEWAY_OPTIONS.maxConnections),
  KJ_JT808_QUEUE_MAX: int(100, 10_000_000).default(DEFAULT_BATCHING.capacity),
  KJ_JT808_BATCH_MAX: int(1, 20_000).default(DEFAULT_BATCHING.batchMax),
  KJ_JT808_FLUSH_MS: int(1, 10_000).default(DEFAULT_BATCHING.flushMs),
  KJ_JT808_MAX_IN_FLIGHT: int(1, 64).default(DEFAULT_BATCHING.maxInFlight),
  KJ_JT808_NETWORK_REFRESH_S: int(5, 86_400).default(60),
  KJ_JT808_REQUEST_TIMEOUT_MS: int(100, 120_000).default(10_000),
  KJ_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Jt808Config {
  gateway: GatewayOptions;
  batching: BatchingOptions;
  mapper: MapperOptions;
  hubUrl: string;
  token: string;
  metrics: { host: string; port: number };
  networkRefreshMs: number;
  requestTimeoutMs: number;
  logLevel: string;
}

export class ConfigError extends Error {}

export function loadJt808Config(env: Record<string, string | undefined>): Readonly<Jt808Config> {
  const r = EnvSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid JT/T 808 gateway environment:\n${lines.join('\n')}`);
  }
  const e = r.data;
  const batchMax = Math.min(e.KJ_JT808_BATCH_MAX, e.KJ_JT808_QUEUE_MAX);
  return Object.freeze({
    gateway: {
      ...DEFAULT_GATEWAY_OPTIONS,
      host: e.KJ_JT808_HOST,
      port: e.KJ_JT808_PORT,
      authSecret: e.KJ_JT808_AUTH_SECRET,
      idleTimeoutMs: e.KJ_JT808_IDLE_TIMEOUT_S * 1000,
      authTimeoutMs: e.KJ_JT808_AUTH_TIMEOUT_S * 1000,
      rateFramesPerSec: e.KJ_JT808_RATE_FPS,
      rateBurst: e.KJ_JT808_RATE_BURST,
      maxConnections: e.KJ_JT808_MAX_CONNECTIONS,
    },
    batching: {
      ...DEFAULT_BATCHING,
      capacity: e.KJ_JT808_QUEUE_MAX,
      batchMax,
      flushMs: e.KJ_JT808_FLUSH_MS,
      maxInFlight: e.KJ_JT808_MAX_IN_FLIGHT,
    },
    mapper: { tempExtraId: e.KJ_JT808_TEMP_EXTRA_ID, tempEncoding: e.KJ_JT808_TEMP_ENCODING, source: 'jt808' },
    hubUrl: e.KJ_JT808_HUB_URL,
    token: e.KJ_JT808_TOKEN,
    metrics: { host: e.KJ_JT808_METRICS_HOST, port: e.KJ_JT808_METRICS_PORT },
    networkRefreshMs: e.KJ_JT808_NETWORK_REFRESH_S * 1000,
    requestTimeoutMs: e.KJ_JT808_REQUEST_TIMEOUT_MS,
    logLevel: e.KJ_LOG_LEVEL,
  });
}
