/**
 * Running the built hub for the simulator's end-to-end tests: a fresh database and Redis prefix per hub, its CLI,
 * its HTTP API and its database, and child processes stopped cleanly.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const REPO = resolve(__dirname, '../..');
export const HUB_MAIN = join(REPO, 'server/dist/main.js');
export const HUB_CLI = join(REPO, 'server/dist/cli/main.js');
export const SIM_MAIN = join(REPO, 'simulator/dist/main.js');
const PG = process.env.KJ_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.KJ_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Fails early with what to build when the programs are missing. */
export function requireBuilt(): void {
  for (const f of [HUB_MAIN, HUB_CLI]) if (!existsSync(f)) throw new Error(`${f} is missing: build the hub first (npm run build -w @kanjian/server)`);
  if (!existsSync(SIM_MAIN)) throw new Error(`${SIM_MAIN} is missing: npx nx run @kanjian/simulator:build`);
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A service day (YYYY-MM-DD) in China time, `days` from today. */
export function serviceDay(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** Keeps the last `max` characters a child process wrote, for the failure message. */
export function tail(p: ChildProcess, max = 3000): () => string {
  let log = '';
  const add = (d: Buffer) => (log = (log + d.toString()).slice(-max));
  p.stdout?.on('data', add);
  p.stderr?.on('data', add);
  return () => log;
}

export function stopProcess(p: ChildProcess | undefined, timeoutMs = 20_000): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.once('exit', () => {
      clearTimeout(t);
      res();
    });
    p.kill('SIGTERM');
  });
}

export class Hub {
  readonly db = `kj_test_${randomBytes(5).toString('hex')}`;
  readonly prefix = `kjt${randomBytes(4).toString('hex')}`;
  readonly evidenceDir = mkdtempSync(join(tmpdir(), 'kj-sim-evidence-'));
  port = 0;
  private proc?: ChildProcess;
  log = () => '';

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      NODE_ENV: 'test',
      KJ_DATABASE_URL: `${PG}/${this.db}`,
      KJ_REDIS_URL: REDIS,
      KJ_REDIS_PREFIX: this.prefix,
      KJ_HTTP_PORT: String(this.port),
      KJ_HTTP_HOST: '127.0.0.1',
      KJ_JWT_SECRET: 'simulator-e2e-secret-0123456789',
      KJ_EVIDENCE_DIR: this.evidenceDir,
      KJ_LOG_LEVEL: 'warn',
    };
  }

  cli(...args: string[]): string {
    return execFileSync('node', [HUB_CLI, ...args], { env: this.env(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();
  }

  /** The CLI without blocking the test's event loop (children's output keeps flowing meanwhile). */
  async cliAsync(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)('node', [HUB_CLI, ...args], { env: this.env(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  }

  /** Fresh database, each `seed` command run (the reference network and its trips), a user and a feed token. */
  prepare(seeds: string[][]): string {
    execFileSync('psql', [PG + '/postgres', '-q', '-c', `CREATE DATABASE ${this.db}`]);
    this.cli('migrate');
    for (const args of seeds) this.cli('seed', ...args);
    this.cli('create-user', '--username', 'sim-e2e', '--password', 'sim-e2e-pass', '--role', 'hq');
    return this.cli('create-token', '--name', 'sim', '--scope', 'all').split('\n').pop()!.trim();
  }

  /** One query against the hub's database, rows as objects. */
  query<T = Record<string, unknown>>(sql: string): T[] {
    const out = execFileSync('psql', [`${PG}/${this.db}`, '-qAt', '-c', `SELECT coalesce(json_agg(q), '[]') FROM (${sql}) q`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(out) as T[];
  }

  async start() {
    this.port = await freePort();
    this.proc = spawn('node', [HUB_MAIN], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.log = tail(this.proc);
    const end = Date.now() + 60_000;
    while (Date.now() < end) {
      if (this.proc.exitCode !== null) throw new Error(`hub exited with ${this.proc.exitCode}: ${this.log()}`);
      const ok = await fetch(`${this.url}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await sleep(250);
    }
    throw new Error(`hub did not become healthy: ${this.log()}`);
  }

  async destroy() {
    await stopProcess(this.proc);
    try {
      execFileSync('psql', [PG + '/postgres', '-q', '-c', `DROP DATABASE IF EXISTS ${this.db} WITH (FORCE)`]);
    } catch {
      /* best effort */
    }
    try {
      const keys = execFileSync('redis-cli', ['-u', REDIS, '--scan', '--pattern', `${this.prefix}*`], { encoding: 'utf8' }).split('\n').filter(Boolean);
      for (let i = 0; i < keys.length; i += 500) execFileSync('redis-cli', ['-u', REDIS, 'del', ...keys.slice(i, i + 500)]);
    } catch {
      /* best effort: redis-cli may be absent */
    }
    rmSync(this.evidenceDir, { recursive: true, force: true });
  }

  async login(): Promise<string> {
    const r = await fetch(`${this.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'sim-e2e', password: 'sim-e2e-pass' }) });
    if (!r.ok) throw new Error(`login failed: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { token: string }).token;
  }

  async get(path: string, token: string): Promise<unknown> {
    const r = await fetch(`${this.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  }
}
