/**
 * The worker against the real hub: a clip with one known throw, run through the built worker, must give one
 * S1 violation on the camera's floor with a snapshot the hub serves; and the same when the hub is down for
 * the first seconds (the outbox holds everything and drains in order, nothing lost, nothing doubled).
 *
 * Needs the built hub (`npm run build -w @kanjian/server`), PostgreSQL and Redis as on the development
 * machine (KJ_TEST_DATABASE_URL / KJ_TEST_REDIS_URL override the defaults), and ffmpeg.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NetworkSchema, ViolationListSchema, type Network, type ViolationSummaryV1 } from '@kanjian/shared';

const REPO = resolve(__dirname, '../..');
const HUB_MAIN = join(REPO, 'server/dist/main.js');
const HUB_CLI = join(REPO, 'server/dist/cli/main.js');
const WORKER_MAIN = join(REPO, 'vision-worker/dist/main.js');
const FIXTURE = join(__dirname, 'fixtures/throw-clip');
const PG = process.env.KJ_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.KJ_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Hub {
  readonly db = `kj_test_${randomBytes(5).toString('hex')}`;
  readonly prefix = `kjt${randomBytes(4).toString('hex')}`;
  readonly evidenceDir = mkdtempSync(join(tmpdir(), 'kj-evidence-'));
  port = 0;
  private proc?: ChildProcess;
  private log = '';

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
      KJ_JWT_SECRET: 'vision-worker-integration-secret',
      KJ_EVIDENCE_DIR: this.evidenceDir,
      KJ_LOG_LEVEL: 'warn',
    };
  }

  cli(...args: string[]): string {
    return execFileSync('node', [HUB_CLI, ...args], { env: this.env(), encoding: 'utf8' }).trim();
  }

  async prepare() {
    this.port = await freePort();
    execFileSync('psql', [PG + '/postgres', '-q', '-c', `CREATE DATABASE ${this.db}`]);
    this.cli('migrate');
    this.cli('seed');
    this.cli('create-user', '--username', 'vision-it', '--password', 'vision-it-pass', '--role', 'hq');
  }

  async start() {
    this.proc = spawn('node', [HUB_MAIN], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-4000)));
    this.proc.stderr?.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-4000)));
    const end = Date.now() + 30_000;
    while (Date.now() < end) {
      if (this.proc.exitCode !== null) throw new Error(`hub exited with ${this.proc.exitCode}: ${this.log}`);
      const ok = await fetch(`${this.url}/api/health`).then(
        (r) => r.status < 500,
        () => false,
      );
      if (ok) return;
      await sleep(250);
    }
    throw new Error(`hub did not become healthy: ${this.log}`);
  }

  async stop() {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    p.kill('SIGTERM');
    await new Promise((r) => p.once('exit', r));
  }

  async destroy() {
    await this.stop();
    try {
      execFileSync('psql', [PG + '/postgres', '-q', '-c', `DROP DATABASE IF EXISTS ${this.db} WITH (FORCE)`]);
    } catch {
      /* best effort */
    }
    rmSync(this.evidenceDir, { recursive: true, force: true });
  }

  async login(): Promise<string> {
    const r = await fetch(`${this.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'vision-it', password: 'vision-it-pass' }) });
    if (!r.ok) throw new Error(`login failed: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { token: string }).token;
  }
}

/** Runs the built worker over the fixture clip once; resolves with its exit code and log. */
function runWorker(hubUrl: string, token: string, cameraId: string, floorId: string, workDir: string): Promise<{ code: number | null; log: string }> {
  const cam = JSON.parse(readFileSync(join(FIXTURE, 'camera.json'), 'utf8')) as { imagePoints: number[][]; floorPointsCm: number[][]; surfaceHeightCm: number };
  const config = {
    workerId: 'vision-it',
    hub: { url: hubUrl },
    outboxDir: join(workDir, 'outbox'),
    cameras: [
      {
        id: cameraId,
        floorId,
        source: { kind: 'file', path: join(FIXTURE, 'video.mp4'), realtime: false },
        calibration: { imagePoints: cam.imagePoints, floorPointsCm: cam.floorPointsCm, surfaceHeightCm: cam.surfaceHeightCm },
      },
    ],
    heartbeatSeconds: 1,
    clips: true,
  };
  mkdirSync(workDir, { recursive: true });
  const configPath = join(workDir, 'worker.json');
  writeFileSync(configPath, JSON.stringify(config));
  return new Promise((res) => {
    const p = spawn('node', [WORKER_MAIN, '--once'], { env: { ...process.env, KJ_VISION_CONFIG: configPath, KJ_FEED_TOKEN: token, KJ_DRAIN_TIMEOUT_S: '90' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    p.stdout.on('data', (d: Buffer) => (log += d.toString()));
    p.stderr.on('data', (d: Buffer) => (log += d.toString()));
    p.on('exit', (code) => res({ code, log }));
  });
}

async function violationsOn(hub: Hub, userToken: string, floorId: string, ruleId: string): Promise<ViolationSummaryV1[]> {
  const r = await fetch(`${hub.url}/api/v1/violations?unit=floor:${floorId}&ruleId=${ruleId}&status=all`, { headers: { authorization: `Bearer ${userToken}` } });
  if (!r.ok) throw new Error(`violations: ${r.status} ${await r.text()}`);
  return ViolationListSchema.parse(await r.json());
}

/** Polls until the rule has fired (rules may run on a queue) and nothing more arrives for a moment. */
async function settledViolations(hub: Hub, userToken: string, floorId: string, ruleId: string): Promise<ViolationSummaryV1[]> {
  const end = Date.now() + 30_000;
  let last: ViolationSummaryV1[] = [];
  while (Date.now() < end) {
    last = await violationsOn(hub, userToken, floorId, ruleId);
    if (last.length > 0) {
      await sleep(2_000);
      return violationsOn(hub, userToken, floorId, ruleId);
    }
    await sleep(500);
  }
  return last;
}

describe('vision worker → hub', () => {
  let hub: Hub;
  let network: Network;
  let userToken: string;
  let work: string;

  beforeAll(async () => {
    for (const f of [HUB_MAIN, HUB_CLI]) if (!existsSync(f)) throw new Error(`${f} is missing: build the hub first (npm run build -w @kanjian/server)`);
    if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: npm run build -w @kanjian/vision-worker`);
    hub = new Hub();
    await hub.prepare();
    await hub.start();
    userToken = await hub.login();
    const r = await fetch(`${hub.url}/api/v1/network`, { headers: { authorization: `Bearer ${userToken}` } });
    network = NetworkSchema.parse(await r.json());
    work = mkdtempSync(join(tmpdir(), 'kj-vision-it-'));
  }, 120_000);

  afterAll(async () => {
    await hub?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  /** A floor with a camera, and a feed token scoped to its site. */
  function pickCamera(skip: number) {
    const withCams = network.floors.filter((f) => network.cameras.some((c) => c.floorId === f.id));
    const floor = withCams[skip];
    const camera = network.cameras.find((c) => c.floorId === floor.id)!;
    const token = hub.cli('create-token', '--name', `vision-it-${skip}`, '--scope', `site:${floor.siteId}`).split('\n').pop()!.trim();
    return { floor, camera, token };
  }

  async function expectOneThrowWithSnapshot(floorId: string, cameraId: string) {
    const s1 = await settledViolations(hub, userToken, floorId, 'S1');
    expect(s1).toHaveLength(1);
    expect(s1[0].floorId).toBe(floorId);
    expect(s1[0].subjectId).toBe(cameraId);
    const snap = s1[0].evidence.find((e) => e.kind === 'snapshot');
    expect(snap?.uri).toMatch(/^\/api\/v1\/evidence\/[a-f0-9]{64}\.jpg$/);
    const img = await fetch(`${hub.url}${snap!.uri}`, { headers: { authorization: `Bearer ${userToken}` } });
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await img.arrayBuffer());
    expect(bytes.subarray(0, 2).toString('hex')).toBe('ffd8');
    // the clip of a kick-free throw reports no S2
    expect(await violationsOn(hub, userToken, floorId, 'S2')).toHaveLength(0);
  }

  it('reports the clip’s one throw as one S1 violation on the camera’s floor, with a retrievable snapshot', async () => {
    const { floor, camera, token } = pickCamera(0);
    const run = await runWorker(hub.url, token, camera.id, floor.id, join(work, 'a'));
    expect({ code: run.code, log: run.code === 0 ? '' : run.log }).toEqual({ code: 0, log: '' });
    await expectOneThrowWithSnapshot(floor.id, camera.id);
  }, 180_000);

  it('delivers the same, once, when the hub is down for the first seconds', async () => {
    const { floor, camera, token } = pickCamera(1);
    await hub.stop();
    const running = runWorker(hub.url, token, camera.id, floor.id, join(work, 'b'));
    await sleep(6_000);
    await hub.start();
    const run = await running;
    expect({ code: run.code, log: run.code === 0 ? '' : run.log }).toEqual({ code: 0, log: '' });
    expect(run.log).toContain('hub not reachable');
    await expectOneThrowWithSnapshot(floor.id, camera.id);
  }, 180_000);
});
