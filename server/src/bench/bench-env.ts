import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import type { Network } from '@kanjian/shared';
import { AuthRepository } from '../auth/auth.repository';
import { createDataSource } from '../database/data-source';
import { NetworkRepository } from '../network/network.repository';
import { buildReferenceNetwork } from '../network/reference-network';
import { freePort } from './processes';

/** Shared by the benchmark scripts: a fresh database with the reference network, and hubs as real processes. */
export const PG_ADMIN = process.env.KJ_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.KJ_BENCH_REDIS ?? 'redis://127.0.0.1:6379';
export const RESULTS_DIR = resolve(__dirname, '../../../bench/results');

export interface BenchDb {
  url: string;
  net: Network;
  token: string;
  drop(): Promise<void>;
}

export async function benchDb(scale: number, seed = 42): Promise<BenchDb> {
  const name = `kj_bench_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN.replace(/\/[^/]*$/, `/${name}`);
  const ds = createDataSource(url, 2);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  const net = buildReferenceNetwork({ seed, scale });
  await NetworkRepository.load(ds, net);
  const auth = new AuthRepository(ds);
  const token = await auth.createFeedToken('bench', 'all');
  await auth.upsertUser({ username: 'bench-hq', password: 'bench', displayName: 'bench', role: 'hq', scopeId: null });
  await ds.destroy();
  return {
    url,
    net,
    token,
    async drop() {
      const c = new Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export { freePort };

export interface HubProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `server/dist/main.js` as its own process and waits until /api/health answers. */
export async function startHubProcess(dbUrl: string, env: Record<string, string> = {}): Promise<HubProcess> {
  const port = await freePort();
  // KJ_BENCH_HUB_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the hub under load.
  const nodeArgs = (process.env.KJ_BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(__dirname, '../main.js')], {
    env: {
      ...process.env,
      KJ_DATABASE_URL: dbUrl,
      KJ_REDIS_URL: REDIS_URL,
      KJ_REDIS_PREFIX: `kjb${port}`,
      KJ_HTTP_PORT: String(port),
      KJ_HTTP_HOST: '127.0.0.1',
      KJ_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) break;
    if (child.exitCode !== null || i > 300) throw new Error('hub did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    child,
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/** CPU seconds and resident memory of a process, from /proc (Linux). */
export function procStats(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = 100;
  const cpuS = (Number(f[11]) + Number(f[12])) / ticks;
  const rssMb = (Number(f[21]) * 4096) / 1048576;
  return { cpuS, rssMb };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function writeResult(file: string, data: Record<string, unknown>) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, file);
  writeFileSync(path, JSON.stringify({ ...data, measured_at: new Date().toISOString() }, null, 2) + '\n');
  return path;
}

/**
 * Posts prepared batch bodies to one or more hubs (round-robin) with `inFlight` requests at a time until the
 * bodies or the time run out; counts what the answers say was newly stored.
 */
export async function postBatches(urls: string[], token: string, bodies: string[], seconds: number, inFlight: number) {
  let next = 0;
  let stored = 0;
  let failed = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  async function worker(w: number) {
    while (next < bodies.length && performance.now() < deadline) {
      const i = next++;
      const url = urls[(i + w) % urls.length]!;
      const r = await fetch(`${url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: bodies[i]! });
      if (r.status !== 200) {
        failed++;
        await r.text();
        continue;
      }
      const j = (await r.json()) as { accepted: number; duplicates: number };
      stored += j.accepted - j.duplicates;
    }
  }
  await Promise.all(Array.from({ length: inFlight }, (_, w) => worker(w)));
  const elapsed = (performance.now() - t0) / 1000;
  return { stored, failed, elapsed, perS: stored / elapsed, usedAll: next >= bodies.length };
}
