/**
 * The simulator against the real hub: the violations the simulator produced on purpose (its ground-truth log) must
 * be exactly the violations the hub raised, rule by rule — nothing missing, nothing extra.
 *
 * Both run as the built programs (`server/dist`, `simulator/dist`) on a fresh database and Redis prefix. The
 * simulator runs in real time (`--speed 1`): the hub's timers use the wall clock. The hub is read while the
 * simulator is still running, because when it stops every camera and truck falls silent and S4/T2 fire a minute
 * later for all of them.
 *
 * Needs the built hub (`npm run build -w @kanjian/server`), PostgreSQL and Redis as on the development machine
 * (KJ_TEST_DATABASE_URL / KJ_TEST_REDIS_URL override the defaults). `npm run test:integration` builds the
 * simulator first.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AlertListSchema, RULES, ViolationListSchema, type RuleId } from '@kanjian/shared';
import { derivePatternTruths, TruthLog } from '../src/engine/truth-log';
import { loadState } from '../src/runner/state-store';
import type { TruthEntry } from '../src/engine/types';

const REPO = resolve(__dirname, '../..');
const HUB_MAIN = join(REPO, 'server/dist/main.js');
const HUB_CLI = join(REPO, 'server/dist/cli/main.js');
const SIM_MAIN = join(REPO, 'simulator/dist/main.js');
const PG = process.env.KJ_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.KJ_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SEED = 42;
const SCALE = 1;
/** How long the simulator feeds the hub before the hub is read (wall time = simulated time at speed 1). */
const LIVE_MS = 150_000;

/**
 * How long after a lapse is known the hub may still legitimately not have raised it; a truth known later than
 * the comparison time minus this is undecidable when the hub is read and is left out of what must be found (it
 * still may be found: see `allowed`). Every rule: the upload batching and the off-request rule stage (a few
 * seconds; 15 s is generous). D1 and D2 in addition: the hub settles a sign-off for 60 s after it arrives
 * (a call uploaded late may still clear it, rule-catalogue `settleSeconds`). T6: the hub re-estimates a truck's
 * arrival once a minute (`everySeconds`).
 */
const PIPELINE_S = 15;
const DECISION_DELAY_S: Partial<Record<RuleId, number>> = { D1: 60, D2: 60, T6: 60 };

/** Rules the hub raises as alerts only; the others are read as violations. */
const ALERT_ONLY = new Set<RuleId>(['T2', 'T4', 'T6', 'S4', 'X1', 'X2', 'X3']);
/** A3 (complaint attribution) and A4 (rating) are records, not violations: neither side has them. */
const COMPARED = (Object.keys(RULES) as RuleId[]).filter((r) => r !== 'A3' && r !== 'A4');
/** The hub answers at most this many per query; a rule reaching it would need paging. */
const PAGE = 1000;

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

/** A service day (YYYY-MM-DD) in China time, `days` from today. */
function serviceDay(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** Keeps the last `max` characters a child process wrote, for the failure message. */
function tail(p: ChildProcess, max = 3000): () => string {
  let log = '';
  const add = (d: Buffer) => (log = (log + d.toString()).slice(-max));
  p.stdout?.on('data', add);
  p.stderr?.on('data', add);
  return () => log;
}

function stopProcess(p: ChildProcess | undefined, timeoutMs = 20_000): Promise<void> {
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

class Hub {
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

  /** Fresh database with the reference network and the trips of yesterday and today (a run reaches back into both). */
  prepare(): string {
    execFileSync('psql', [PG + '/postgres', '-q', '-c', `CREATE DATABASE ${this.db}`]);
    this.cli('migrate');
    for (const day of [serviceDay(-1), serviceDay(0)]) this.cli('seed', '--seed', String(SEED), '--scale', String(SCALE), '--day', day);
    this.cli('create-user', '--username', 'sim-e2e', '--password', 'sim-e2e-pass', '--role', 'hq');
    return this.cli('create-token', '--name', 'sim', '--scope', 'all').split('\n').pop()!.trim();
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

/** One finding of the hub, reduced to what the truth log can be matched on. */
interface HubFinding {
  rule: RuleId;
  key: string;
  subject: string;
  at: string;
}

/** What a lapse is matched on, per rule: the waybill, the sorting event (camera and time), the trip, the vehicle, the camera, the complaint, the site, the person. */
function truthKey(t: TruthEntry): string {
  switch (t.rule) {
    case 'S1':
    case 'S2':
      return `${t.cameraId}@${Date.parse(t.at)}`;
    case 'T1':
      return t.tripId!;
    case 'T2':
    case 'T3':
    case 'T4':
    case 'T5':
    case 'T6':
      return t.vehicleId!;
    case 'A1':
    case 'A2':
      return t.complaintId!;
    default:
      return t.waybillNo ?? t.subject.id;
  }
}

/** The same key from the hub's side: a violation names the waybill apart from its subject (the courier, the floor). */
function hubKey(rule: RuleId, f: { subjectId: string; waybillNo?: string | null; at: string }): string {
  if (rule === 'S1' || rule === 'S2') return `${f.subjectId}@${Date.parse(f.at)}`;
  if (rule.startsWith('P') || rule.startsWith('D') || rule === 'S3') return f.waybillNo ?? `(no waybill) ${f.subjectId}`;
  return f.subjectId;
}

async function readHub(hub: Hub, token: string): Promise<HubFinding[]> {
  const out: HubFinding[] = [];
  for (const rule of COMPARED) {
    if (ALERT_ONLY.has(rule)) {
      const rows = AlertListSchema.parse(await hub.get(`/api/v1/alerts?scope=hq&within=true&status=all&ruleId=${rule}&limit=${PAGE}`, token));
      if (rows.length >= PAGE) throw new Error(`${rule}: ${rows.length} alerts, the page limit; the comparison would be incomplete`);
      for (const a of rows) out.push({ rule, key: hubKey(rule, { subjectId: a.subjectId, at: a.openedAt }), subject: `${a.subjectKind}:${a.subjectId}`, at: a.openedAt });
    } else {
      const rows = ViolationListSchema.parse(await hub.get(`/api/v1/violations?unit=hq&status=all&ruleId=${rule}&limit=${PAGE}`, token));
      if (rows.length >= PAGE) throw new Error(`${rule}: ${rows.length} violations, the page limit; the comparison would be incomplete`);
      for (const v of rows) out.push({ rule, key: hubKey(rule, v), subject: `${v.subjectKind}:${v.subjectId}`, at: v.at });
    }
  }
  return out;
}

const knownMs = (t: TruthEntry) => Date.parse(t.knownAt ?? t.dueAt);
/** The hub cannot raise T1 or T6 on a trip it does not have (a day it was not seeded for, run on another day's schedule). */
const hubCanRaise = (t: TruthEntry) => !((t.rule === 'T1' || t.rule === 'T6') && t.detail?.projectedTrip === true);

describe('simulator → hub: intended violations are the violations raised', () => {
  let hub: Hub;
  let work: string;
  let sim: ChildProcess | undefined;
  let simLog = () => '';

  beforeAll(async () => {
    for (const f of [HUB_MAIN, HUB_CLI]) if (!existsSync(f)) throw new Error(`${f} is missing: build the hub first (npm run build -w @kanjian/server)`);
    if (!existsSync(SIM_MAIN)) throw new Error(`${SIM_MAIN} is missing: npx nx run @kanjian/simulator:build`);
    work = mkdtempSync(join(tmpdir(), 'kj-sim-e2e-'));
    hub = new Hub();
  }, 30_000);

  afterAll(async () => {
    await stopProcess(sim);
    await hub?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('raises every intended violation known in the window and nothing else, per rule', async () => {
    const t0 = Date.now();
    const feedToken = hub.prepare();
    await hub.start();
    const userToken = await hub.login();
    const prepared = Date.now();

    const truthPath = join(work, 'truth.ndjson');
    sim = spawn(
      'node',
      [SIM_MAIN, '--hub', hub.url, '--seed', String(SEED), '--scale', String(SCALE), '--speed', '1', '--duration', '10m', '--state', join(work, 'state.json'), '--truth', truthPath, '--log-every', '30s'],
      { env: { ...process.env, KJ_SIM_TOKEN: feedToken }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    simLog = tail(sim);
    const simStart = Date.now();
    while (Date.now() - simStart < LIVE_MS) {
      if (sim.exitCode !== null) throw new Error(`simulator exited early with ${sim.exitCode}: ${simLog()}`);
      await sleep(500);
    }

    // Read the hub while the simulator still runs (see the file comment), then stop it: its truth log is complete
    // for everything it uploaded, and more.
    const readFrom = Date.now();
    // Everything due for upload before this was acknowledged by the hub (saved every 5 s): on a loaded machine the
    // simulator's uploads may lag behind the clock, and what the hub has not received it cannot have decided.
    const acked = loadState(join(work, 'state.json'))?.checkpoint ?? simStart;
    const found = await readHub(hub, userToken);
    const readTo = Date.now();
    await stopProcess(sim);
    if (sim.exitCode !== 0) throw new Error(`simulator ended with ${sim.exitCode ?? sim.signalCode}: ${simLog()}`);

    const truths = TruthLog.read(truthPath).filter(hubCanRaise);
    // Must be found: known to the hub long enough before it was read for the rule to have been decided.
    const decided = truths.filter((t) => knownMs(t) <= acked && knownMs(t) + (PIPELINE_S + (DECISION_DELAY_S[t.rule] ?? 0)) * 1000 <= readFrom);
    // May be found: known by the time the last answer came back (nothing the hub could not have known yet).
    const possible = truths.filter((t) => knownMs(t) <= readTo);
    // X1 and X2 follow from the primary violations, with the hub's semantics.
    const must = [...decided, ...derivePatternTruths(decided)];
    const may = [...possible, ...derivePatternTruths(possible)];

    const rows: Record<string, { intended: number; undecided: number; hub: number; missing: number; extra: number }> = {};
    const problems: string[] = [];
    for (const rule of COMPARED) {
      const want = new Map(must.filter((t) => t.rule === rule).map((t) => [truthKey(t), t]));
      const allowed = new Set(may.filter((t) => t.rule === rule).map(truthKey));
      const got = new Map(found.filter((f) => f.rule === rule).map((f) => [f.key, f]));
      const missing = [...want.keys()].filter((k) => !got.has(k));
      const extra = [...got.keys()].filter((k) => !allowed.has(k));
      rows[rule] = { intended: want.size, undecided: allowed.size - want.size, hub: got.size, missing: missing.length, extra: extra.length };
      if (missing.length) problems.push(`${rule} missing ${missing.length}, e.g. ${JSON.stringify(missing.slice(0, 3).map((k) => want.get(k)))}`);
      if (extra.length) problems.push(`${rule} extra ${extra.length}, e.g. ${JSON.stringify(extra.slice(0, 3).map((k) => got.get(k)))}`);
    }
    const table = [
      'rule  intended  undecided    hub  missing  extra',
      ...Object.entries(rows).map(([r, x]) => `${r.padEnd(4)}${[x.intended, x.undecided, x.hub, x.missing, x.extra].map((n, i) => String(n).padStart([10, 11, 7, 9, 7][i])).join('')}`),
    ];
    process.stdout.write(
      `\nsimulator → hub, seed ${SEED}, scale ${SCALE}: hub ready in ${((prepared - t0) / 1000).toFixed(0)} s; read ${((readFrom - simStart) / 1000).toFixed(0)} s after the ` +
        `simulator started, uploads acknowledged up to ${((readFrom - acked) / 1000).toFixed(0)} s before\n` +
        `intended: known early enough to be decided (must be raised); undecided: known too late to require (may be raised)\n${table.join('\n')}\n\n`,
    );
    if (problems.length) throw new Error(`the hub's findings differ from the simulator's ground truth:\n${problems.join('\n')}\n--- simulator log tail:\n${simLog()}\n--- hub log tail:\n${hub.log()}`);
    // A run that intended nothing would prove nothing.
    expect(Object.values(rows).reduce((n, r) => n + r.intended, 0)).toBeGreaterThan(50);
  }, 400_000);
});
