/**
 * JT/T 808 acceptance: the real hub (built CLI and main, fresh database, real PostgreSQL and Redis) and the
 * real gateway process (dist/jt808/jt808-main.js), driven by a terminal written here from the standard's
 * byte layout alone (no gateway code), and observed through the hub's public Socket.IO feed.
 *
 * Needs `npm run build -w @kanjian/shared -w @kanjian/server` first (CI builds before integration tests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { io, type Socket as IoSocket } from 'socket.io-client';
import { freePort, runCli, stopProcess, waitHttp } from '../src/bench/processes';
import { deltaPositions, type AlertSummaryV1, type ClientToServerEvents, type Network, type RoomDeltaV1, type RoomSnapshotV1, type ServerToClientEvents } from '@kanjian/shared';

/** Jest applies a project's testTimeout to tests only; hooks that start processes get their own. */
const SETUP_MS = 90_000;
const TEST_MS = 60_000;

const PG_ADMIN = process.env.KJ_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.KJ_TEST_REDIS ?? 'redis://127.0.0.1:6379';
const DIST = join(__dirname, '..', 'dist');

// ---------------------------------------------------------------------------------------------------------
// A terminal from the byte layout: 0x7E | header | body | XOR | 0x7E, 0x7E→7D 02, 0x7D→7D 01, big-endian,
// 2013 header = id WORD, attributes WORD (length in bits 0–9), phone BCD[6], serial WORD.
// ---------------------------------------------------------------------------------------------------------
function wrap(msgId: number, phone: string, serial: number, body: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(msgId, 0);
  head.writeUInt16BE(body.length, 2);
  Buffer.from(phone.padStart(12, '0'), 'hex').copy(head, 4);
  head.writeUInt16BE(serial, 10);
  const raw = Buffer.concat([head, body]);
  let cs = 0;
  for (const b of raw) cs ^= b;
  const out = [0x7e];
  for (const b of [...raw, cs]) {
    if (b === 0x7e) out.push(0x7d, 0x02);
    else if (b === 0x7d) out.push(0x7d, 0x01);
    else out.push(b);
  }
  out.push(0x7e);
  return Buffer.from(out);
}

interface Reply {
  msgId: number;
  body: Buffer;
}

class ByteTerminal {
  replies: Reply[] = [];
  closed = false;
  private buf = Buffer.alloc(0);
  private serial = 0;
  private constructor(
    private readonly socket: Socket,
    readonly phone: string,
  ) {
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }
  static async connect(port: number, phone: string): Promise<ByteTerminal> {
    const s = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    });
    return new ByteTerminal(s, phone);
  }
  private onData(chunk: Buffer) {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      const start = this.buf.indexOf(0x7e);
      const end = start < 0 ? -1 : this.buf.indexOf(0x7e, start + 1);
      if (end < 0) return;
      const esc = this.buf.subarray(start + 1, end);
      this.buf = this.buf.subarray(end + 1);
      const raw: number[] = [];
      for (let i = 0; i < esc.length; i++) {
        if (esc[i] === 0x7d) raw.push(esc[++i] === 0x02 ? 0x7e : 0x7d);
        else raw.push(esc[i]);
      }
      const bytes = Buffer.from(raw);
      let cs = 0;
      for (let i = 0; i < bytes.length - 1; i++) cs ^= bytes[i];
      if (cs !== bytes[bytes.length - 1]) throw new Error('gateway sent a frame with a bad checksum');
      this.replies.push({ msgId: bytes.readUInt16BE(0), body: bytes.subarray(12, bytes.length - 1) });
    }
  }
  send(msgId: number, body: Buffer = Buffer.alloc(0), serial = ++this.serial): number {
    this.socket.write(wrap(msgId, this.phone, serial, body));
    return serial;
  }
  async reply(pred: (r: Reply) => boolean, ms = 10_000): Promise<Reply> {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = this.replies.find(pred);
      if (r) return r;
      if (Date.now() > deadline) throw new Error(`terminal ${this.phone}: no matching reply within ${ms} ms`);
      await sleep(20);
    }
  }
  /** 0x8001: reply serial WORD, reply id WORD, result BYTE. */
  async generalAck(serial: number): Promise<{ replyId: number; result: number }> {
    const r = await this.reply((x) => x.msgId === 0x8001 && x.body.readUInt16BE(0) === serial);
    return { replyId: r.body.readUInt16BE(2), result: r.body[4] };
  }
  /** 0x0100 (2013): province WORD, city WORD, maker BYTE[5], model BYTE[20], id BYTE[7], colour BYTE, plate. */
  async register(plateGbk: Buffer): Promise<{ result: number; authCode: string }> {
    const body = Buffer.concat([Buffer.from([0x00, 0x1f, 0x00, 0x73]), Buffer.from('KJ808'), Buffer.alloc(20), Buffer.alloc(7), Buffer.from([0x02]), plateGbk]);
    const serial = this.send(0x0100, body);
    // 0x8100: reply serial WORD, result BYTE, auth code STRING (on success).
    const r = await this.reply((x) => x.msgId === 0x8100 && x.body.readUInt16BE(0) === serial);
    return { result: r.body[2], authCode: r.body.subarray(3).toString('latin1') };
  }
  close() {
    this.socket.destroy();
  }
}

/** 0x0200 body: alarm, status, lat, lon (DWORD, °×10⁶), altitude, speed (0.1 km/h), direction (WORD), BCD time GMT+8. */
function locationBody(p: { alarm?: number; lat: number; lon: number; speedKmh: number; heading: number; atMs: number }): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt32BE((p.alarm ?? 0) >>> 0, 0);
  b.writeUInt32BE(0b11, 4); // ACC on, fixed; north and east
  b.writeUInt32BE(Math.round(p.lat * 1e6), 8);
  b.writeUInt32BE(Math.round(p.lon * 1e6), 12);
  b.writeUInt16BE(20, 16);
  b.writeUInt16BE(Math.round(p.speedKmh * 10), 18);
  b.writeUInt16BE(p.heading, 20);
  const d = new Date(Math.floor(p.atMs / 1000) * 1000 + 8 * 3600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const digits = two(d.getUTCFullYear() % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds());
  Buffer.from(digits, 'hex').copy(b, 22);
  return b;
}

// ---------------------------------------------------------------------------------------------------------
// The hub and the gateway, started as an operator would.
// ---------------------------------------------------------------------------------------------------------
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cli = (env: NodeJS.ProcessEnv, ...args: string[]) => runCli(DIST, env, ...args);

function startProcess(script: string, env: NodeJS.ProcessEnv, log: string[]): ChildProcess {
  const p = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d: Buffer) => {
    log.push(d.toString());
    if (log.length > 200) log.shift();
  };
  p.stdout!.on('data', keep);
  p.stderr!.on('data', keep);
  return p;
}


type Live = IoSocket<ServerToClientEvents, ClientToServerEvents>;

describe('JT/T 808 gateway against the real hub', () => {
  const suffix = randomBytes(4).toString('hex');
  const dbName = `kj_test_${suffix}`;
  const prefix = `kjt808${suffix}`;
  const evidenceDir = mkdtempSync(join(tmpdir(), 'kj-jt808-'));
  let hub: ChildProcess | undefined;
  let gw: ChildProcess | undefined;
  const hubLog: string[] = [];
  const gwLog: string[] = [];
  let hubUrl = '';
  let gwPort = 0;
  let gwMetrics = '';
  let feedToken = '';
  let userToken = '';
  let vehicleId = '';
  let phone = '';
  let plate = '';
  let live: Live | undefined;
  let terminal: ByteTerminal | undefined;
  const deltas: RoomDeltaV1[] = [];

  beforeAll(async () => {
    for (const f of ['main.js', 'cli/main.js', 'jt808/jt808-main.js']) {
      if (!existsSync(join(DIST, f))) throw new Error(`server/dist/${f} is missing: run "npm run build -w @kanjian/shared -w @kanjian/server" first`);
    }
    const admin = new Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const hubPort = await freePort();
    hubUrl = `http://127.0.0.1:${hubPort}`;
    const env = {
      ...process.env,
      KJ_DATABASE_URL: PG_ADMIN.replace(/\/[^/]*$/, `/${dbName}`),
      KJ_REDIS_URL: REDIS_URL,
      KJ_REDIS_PREFIX: prefix,
      KJ_HTTP_PORT: String(hubPort),
      KJ_HTTP_HOST: '127.0.0.1',
      KJ_JWT_SECRET: `jt808-test-secret-${suffix}`,
      KJ_EVIDENCE_DIR: evidenceDir,
      KJ_LOG_LEVEL: 'warn',
    };
    cli(env, 'migrate');
    cli(env, 'seed', '--seed', '7', '--scale', '0.2');
    feedToken = cli(env, 'create-token', '--name', 'jt808-gateway', '--scope', 'all').split('\n').pop()!.trim();
    cli(env, 'create-user', '--username', 'hq-test', '--password', 'pw-test-123', '--role', 'hq');
    hub = startProcess(join(DIST, 'main.js'), env, hubLog);
    await waitHttp(`${hubUrl}/api/health`, hub, 'hub', 30_000, hubLog);

    const net = (await (await fetch(`${hubUrl}/api/v1/network`, { headers: { authorization: `Bearer ${feedToken}` } })).json()) as Network;
    const v = net.vehicles.find((x) => x.terminalPhone);
    if (!v) throw new Error('the seeded network has no vehicle with a terminal');
    vehicleId = v.id;
    phone = v.terminalPhone!;
    plate = v.plate;

    gwPort = await freePort();
    const metricsPort = await freePort();
    gwMetrics = `http://127.0.0.1:${metricsPort}`;
    gw = startProcess(join(DIST, 'jt808', 'jt808-main.js'), {
      ...process.env,
      KJ_JT808_HOST: '127.0.0.1',
      KJ_JT808_PORT: String(gwPort),
      KJ_JT808_HUB_URL: hubUrl,
      KJ_JT808_TOKEN: feedToken,
      KJ_JT808_AUTH_SECRET: `gateway-secret-${suffix}`,
      KJ_JT808_METRICS_PORT: String(metricsPort),
      KJ_LOG_LEVEL: 'warn',
    }, gwLog);
    await waitHttp(`${gwMetrics}/health`, gw, 'gateway', 20_000, gwLog);

    const login = await fetch(`${hubUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'hq-test', password: 'pw-test-123' }) });
    userToken = ((await login.json()) as { token: string }).token;
    live = await subscribe('hq');
    live.on('delta.v1', (d) => deltas.push(d));
  }, SETUP_MS);

  afterAll(async () => {
    terminal?.close();
    live?.close();
    await stopProcess(gw);
    await stopProcess(hub);
    const admin = new Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
    rmSync(evidenceDir, { recursive: true, force: true });
  }, SETUP_MS);

  async function subscribe(room: string): Promise<Live & { snapshot?: RoomSnapshotV1 }> {
    const s: Live & { snapshot?: RoomSnapshotV1 } = io(`${hubUrl}/live`, { auth: { token: userToken }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    const ack = await new Promise<Parameters<Parameters<ClientToServerEvents['subscribe.v1']>[1]>[0]>((resolve) => s.emit('subscribe.v1', { room }, resolve));
    if (!ack.ok) throw new Error(`subscribe ${room}: ${ack.code} ${ack.message}`);
    s.snapshot = ack.snapshot;
    return s;
  }

  async function until<T>(what: string, pick: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await pick();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nhub log:\n${hubLog.join('')}\ngateway log:\n${gwLog.join('')}`);
      await sleep(50);
    }
  }

  const positionsOf = (id: string) => deltas.flatMap((d) => deltaPositions(d).filter((t) => t[0] === id));

  it('refuses a terminal the reference data does not know', async () => {
    const stranger = await ByteTerminal.connect(gwPort, '19900000000');
    const reg = await stranger.register(Buffer.from('TEST'));
    expect(reg.result).toBe(4); // 终端数据库中无该终端
    const a = stranger.send(0x0102, Buffer.from('NOT-A-CODE'));
    expect(await stranger.generalAck(a)).toEqual({ replyId: 0x0102, result: 1 });
    await until('the refused connection to close', () => (stranger.closed ? true : undefined));
  }, TEST_MS);

  it('registers, authenticates, reports positions and an alarm; the hub shows the truck moving and the incident', async () => {
    const t = await ByteTerminal.connect(gwPort, phone);
    const reg = await t.register(Buffer.from(plate, 'utf8'));
    expect(reg.result).toBe(0);
    expect(reg.authCode.length).toBeGreaterThan(0);
    const auth = t.send(0x0102, Buffer.from(reg.authCode, 'latin1'));
    expect(await t.generalAck(auth)).toEqual({ replyId: 0x0102, result: 0 });
    expect((await t.generalAck(t.send(0x0002))).result).toBe(0);

    // Northbound on a road out of Shanghai, one report a second; the hub frames positions every 200 ms.
    const t0 = Date.now() - 4000;
    const track = [0, 1, 2].map((i) => ({ lat: 31.2 + i * 0.001, lon: 121.4, speedKmh: 72, heading: 0, atMs: t0 + i * 1000 }));
    for (const p of track) {
      const s = t.send(0x0200, locationBody(p));
      expect(await t.generalAck(s)).toEqual({ replyId: 0x0200, result: 0 });
      await until(`position ${p.lat} on the hq room`, () => positionsOf(vehicleId).find((x) => Math.abs(x[1] - p.lat) < 1e-9));
    }
    const seen = positionsOf(vehicleId).map((x) => x[1]);
    expect(seen).toEqual(track.map((p) => expect.closeTo(p.lat, 9)));
    expect(positionsOf(vehicleId).at(-1)).toEqual([vehicleId, expect.closeTo(31.202, 9), expect.closeTo(121.4, 9), 72, 0, Math.floor(track[2].atMs / 1000) * 1000, null]);

    // SOS pressed (alarm bit 0): an incident on HQ's feed.
    const alarmAt = t0 + 3000;
    const s = t.send(0x0200, locationBody({ alarm: 1, lat: 31.203, lon: 121.4, speedKmh: 0, heading: 0, atMs: alarmAt }));
    expect((await t.generalAck(s)).result).toBe(0);
    const incident = await until('the SOS incident on the hq feed', () =>
      deltas.flatMap((d) => (d.kind === 'feed' ? d.data : [])).find((f) => f.type === 'vehicle.incident' && f.subject === `vehicle:${vehicleId}`),
    );
    expect(incident.summary).toMatch(/sos/);
    expect(Date.parse(incident.at)).toBe(Math.floor(alarmAt / 1000) * 1000);
    // …and the rules raise it as a T4 alert for HQ.
    const alert = await until('the T4 alert for the truck', async () => {
      const r = await fetch(`${hubUrl}/api/v1/alerts?status=open`, { headers: { authorization: `Bearer ${userToken}` } });
      const list = (await r.json()) as AlertSummaryV1[];
      return list.find((a) => a.ruleId === 'T4' && a.subjectId === vehicleId);
    });
    expect(alert.status).toBe('open');

    // The same report re-sent under a new serial (ack lost) is stored once: the hub counts its position a
    // duplicate, and the still-set SOS bit is no new rising edge, so no second incident is made.
    const again = t.send(0x0200, locationBody({ alarm: 1, lat: 31.203, lon: 121.4, speedKmh: 0, heading: 0, atMs: alarmAt }));
    expect((await t.generalAck(again)).result).toBe(0);
    const metrics = await (await fetch(`${gwMetrics}/metrics`)).text();
    expect(Number(/kanjian_jt808_sink_duplicates (\d+)/.exec(metrics)?.[1])).toBe(1);
    expect(metrics).toMatch(/kanjian_jt808_incidents_total\{kind="sos"\} 1\n/);

    // A screen that joins now gets the truck where it last was, from the snapshot.
    await sleep(1200);
    const late = await subscribe('hq');
    const snap = late.snapshot!.vehicles.find((v) => v[0] === vehicleId);
    late.close();
    expect(snap?.[1]).toBeCloseTo(31.203, 9);
    expect(late.snapshot!.feed.some((f) => f.type === 'vehicle.incident' && f.subject === `vehicle:${vehicleId}`)).toBe(true);
    terminal = t;
  }, TEST_MS);

  it('stores a blind-spot back-fill (0x0704 type 1) as late data', async () => {
    const t = terminal!;
    const t0 = Date.now() - 4000;
    // 0x0704: count WORD, type BYTE (1 = blind spot), then per item a length WORD and a location body.
    const hubStored = async () => Number(/kj_ingest_events_total\{outcome="stored"\} (\d+)/.exec(await (await fetch(`${hubUrl}/metrics`)).text())?.[1] ?? 0);
    const storedBefore = await hubStored();
    const old = [0, 1].map((i) => locationBody({ lat: 31.1 + i * 0.001, lon: 121.3, speedKmh: 40, heading: 0, atMs: t0 - 600_000 + i * 1000 }));
    const backfill = Buffer.concat([Buffer.from([0x00, old.length, 0x01]), ...old.flatMap((b) => [Buffer.from([0x00, b.length]), b])]);
    expect(await t.generalAck(t.send(0x0704, backfill))).toEqual({ replyId: 0x0704, result: 0 });
    expect((await hubStored()) - storedBefore).toBe(2);
    expect(await (await fetch(`${gwMetrics}/metrics`)).text()).toMatch(/kanjian_jt808_positions_total\{kind="backfill"\} 2\n/);
  }, TEST_MS);

  // A back-filled older position is stored as late data but must not move the truck back on the map.
  it('a back-fill does not move the truck back on the live map or in the snapshot', async () => {
    await sleep(1500);
    expect(positionsOf(vehicleId).some((x) => x[1] < 31.2)).toBe(false);
    const late = await subscribe('hq');
    const snap = late.snapshot!.vehicles.find((v) => v[0] === vehicleId);
    late.close();
    expect(snap?.[1]).toBeCloseTo(31.203, 9);
    terminal?.close();
  }, TEST_MS);

  it('a second connection for the same terminal replaces the first; the reports keep flowing', async () => {
    const a = await ByteTerminal.connect(gwPort, phone);
    const reg = await a.register(Buffer.from(plate, 'utf8'));
    expect((await a.generalAck(a.send(0x0102, Buffer.from(reg.authCode, 'latin1')))).result).toBe(0);
    const b = await ByteTerminal.connect(gwPort, phone);
    expect((await b.generalAck(b.send(0x0102, Buffer.from(reg.authCode, 'latin1')))).result).toBe(0);
    await until('the first connection to be closed', () => (a.closed ? true : undefined));
    const s = b.send(0x0200, locationBody({ lat: 31.21, lon: 121.4, speedKmh: 50, heading: 10, atMs: Date.now() }));
    expect((await b.generalAck(s)).result).toBe(0);
    await until('the new position', () => positionsOf(vehicleId).find((x) => Math.abs(x[1] - 31.21) < 1e-9));
    b.close();
  }, TEST_MS);
});
