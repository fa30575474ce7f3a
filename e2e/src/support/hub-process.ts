import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { Client } from 'pg';

const run = promisify(execFile);

export const ROOT = resolve(__dirname, '../../..');
export const ARTIFACTS = join(ROOT, 'e2e/artifacts');
const SERVER_MAIN = join(ROOT, 'server/dist/main.js');
const SERVER_CLI = join(ROOT, 'server/dist/cli/main.js');
const WALLBOARD_DIST = join(ROOT, 'wallboard/dist');

export const PG_ADMIN = process.env.KJ_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.KJ_TEST_REDIS ?? 'redis://127.0.0.1:6379';

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
      .once('error', rej)
      .listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => res(p));
      });
  });
}

/** Today's date in China: the day the seed schedules its trips on, as the screens' "today" is. */
export function chinaToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export interface HubOptions {
  /** Fleet scale of the reference network (1 = the demo network). */
  scale?: number;
  seed?: number;
  env?: Record<string, string>;
}

/**
 * The built hub as a real process, with its own database (`kj_e2e_<random>`), Redis key prefix and evidence
 * directory, prepared through its CLI (migrate, seed with the demo logins, a feed token) exactly as an
 * operator would. The port stays the same across restarts so an open browser page can reconnect.
 */
export class HubProcess {
  readonly suffix = randomBytes(4).toString('hex');
  readonly dbName = `kj_e2e_${this.suffix}`;
  readonly dbUrl = PG_ADMIN.replace(/\/[^/]*$/, `/${this.dbName}`);
  readonly prefix = `kje2e${this.suffix}`;
  readonly evidenceDir = join(tmpdir(), `kj-e2e-evidence-${this.suffix}`);
  port = 0;
  feedToken = '';
  private child: ChildProcess | null = null;

  constructor(private readonly opts: HubOptions = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      NODE_ENV: 'test',
      KJ_DATABASE_URL: this.dbUrl,
      KJ_REDIS_URL: REDIS_URL,
      KJ_REDIS_PREFIX: this.prefix,
      KJ_HTTP_PORT: String(this.port),
      KJ_HTTP_HOST: '127.0.0.1',
      KJ_EVIDENCE_DIR: this.evidenceDir,
      KJ_WALLBOARD_DIR: WALLBOARD_DIST,
      KJ_LOG_LEVEL: 'warn',
      KJ_MIGRATE_ON_START: 'false',
      ...this.opts.env,
    };
  }

  private async cli(...args: string[]): Promise<string> {
    try {
      const { stdout } = await run(process.execPath, [SERVER_CLI, ...args], { env: this.env(), maxBuffer: 16 * 1024 * 1024 });
      return stdout.trim();
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`kanjian ${args[0]} failed: ${err.stderr || err.message}`);
    }
  }

  /** Creates the database and prepares it; call once before `start`. */
  async prepare(): Promise<void> {
    for (const f of [SERVER_MAIN, SERVER_CLI, join(WALLBOARD_DIST, 'index.html')]) {
      if (!existsSync(f)) throw new Error(`${f} is missing: build first (npx nx run-many -t build)`);
    }
    this.port = await freePort();
    const admin = new Client({ connectionString: PG_ADMIN });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${this.dbName}`);
    } finally {
      await admin.end();
    }
    mkdirSync(this.evidenceDir, { recursive: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    await this.cli('migrate');
    await this.cli('seed', '--seed', String(this.opts.seed ?? 42), '--scale', String(this.opts.scale ?? 0.25), '--day', chinaToday(), '--demo-users');
    this.feedToken = (await this.cli('create-token', '--name', 'e2e-feed', '--scope', 'all')).split('\n').pop()!.trim();
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('hub already running');
    const log = createWriteStream(join(ARTIFACTS, `hub-${this.suffix}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [SERVER_MAIN], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ok = await fetch(`${this.url}/api/health`).then((r) => r.ok, () => false);
      if (ok) return;
      if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}; see e2e/artifacts/hub-${this.suffix}.log`);
      if (Date.now() > deadline) throw new Error('hub did not become healthy within 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Stops the hub: SIGTERM drains and exits; SIGKILL is a crash. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null;
  }

  /** Stops the hub, drops its database and Redis keys, removes its evidence. */
  async destroy(): Promise<void> {
    await this.stop();
    const admin = new Client({ connectionString: PG_ADMIN });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    rmSync(this.evidenceDir, { recursive: true, force: true });
  }
}
