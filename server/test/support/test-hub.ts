import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Network } from '@kanjian/shared';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@kanjian/shared';
import { parseConfig, type AppConfig } from '../../src/config/config';
import { createDataSource } from '../../src/database/data-source';
import { AuthRepository } from '../../src/auth/auth.repository';
import { NetworkRepository } from '../../src/network/network.repository';
import { buildReferenceNetwork } from '../../src/network/reference-network';
import { createHub } from '../../src/hub';

export const PG_ADMIN = process.env.KJ_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.KJ_TEST_REDIS ?? 'redis://127.0.0.1:6379';

/** A fresh database with migrations, a small reference network, an all-scope feed token and users per role. */
export interface TestEnv {
  dbName: string;
  dbUrl: string;
  prefix: string;
  net: Network;
  token: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createTestEnv(opts: { scale?: number } = {}): Promise<TestEnv> {
  const suffix = randomBytes(4).toString('hex');
  const dbName = `kj_test_${suffix}`;
  const admin = new Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const dbUrl = PG_ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
  const ds = createDataSource(dbUrl, 2);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  const net = buildReferenceNetwork({ seed: 7, scale: opts.scale ?? 0.2 });
  await NetworkRepository.load(ds, net);
  const auth = new AuthRepository(ds);
  const token = await auth.createFeedToken('test-all', 'all');
  for (const [username, role, scopeId] of [
    ['hq', 'hq', null],
    ['region-a', 'region', net.regions[0]!.id],
    ['region-b', 'region', net.regions[1]!.id],
  ] as const) {
    await auth.upsertUser({ username, password: 'pw', displayName: username, role, scopeId });
  }
  await ds.destroy();
  const prefix = `kjt${suffix}`;
  const env = { KJ_DATABASE_URL: dbUrl, KJ_REDIS_URL: REDIS_URL, KJ_REDIS_PREFIX: prefix, KJ_LOG_LEVEL: 'warn', KJ_HTTP_HOST: '127.0.0.1' };
  return {
    dbName,
    dbUrl,
    prefix,
    net,
    token,
    env,
    async drop() {
      const c = new Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestHub {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
  close(): Promise<void>;
}

/** Starts a hub in this process on a free port against a test environment. */
export async function startHub(t: TestEnv, extra: Record<string, string> = {}): Promise<TestHub> {
  const config = parseConfig({ ...t.env, KJ_HTTP_PORT: '0', KJ_INSTANCE_ID: `t${randomBytes(3).toString('hex')}`, ...extra });
  const app = await createHub(config);
  const addr = app.getHttpServer().address() as { port: number };
  return { app, config, url: `http://127.0.0.1:${addr.port}`, close: () => app.close() };
}

export async function login(url: string, username: string, password = 'pw'): Promise<string> {
  const r = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function connectLive(url: string, token: string): Promise<LiveClient> {
  const s: LiveClient = io(`${url}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', (e) => reject(e));
  });
  return s;
}

export function postEvents(url: string, token: string | null, body: unknown, contentType = 'application/json') {
  return fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function query<T = Record<string, unknown>>(dbUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: dbUrl });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

export function waitFor<T>(s: LiveClient, pred: (d: Parameters<ServerToClientEvents['delta.v1']>[0]) => T | undefined, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off('delta.v1', on);
      reject(new Error(`no matching delta within ${ms} ms`));
    }, ms);
    const on = (d: Parameters<ServerToClientEvents['delta.v1']>[0]) => {
      const v = pred(d);
      if (v !== undefined) {
        clearTimeout(timer);
        s.off('delta.v1', on);
        resolve(v);
      }
    };
    s.on('delta.v1', on);
  });
}
