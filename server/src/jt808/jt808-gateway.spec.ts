import { connect, type Socket } from 'node:net';
import type { IngestEvent } from '@kanjian/shared';
import pino from 'pino';
import { epochMsToBcdTime } from './codec/bcd.util';
import { decodeFrame, encodeFrame, encodeSplitFrames, Jt808Deframer, type Jt808Frame, type ProtocolVersion } from './codec/jt808-frame.codec';
import { decodePlatformAck, decodeRegisterAck, decodeResendRequest, encodeAuthenticate, encodeLocation, encodeLocationBatch, encodeRegister, type LocationReport } from './codec/jt808-message.codec';
import { BatchingEventSink, type BatchTransport, type TransportResult } from './event-sink';
import { Jt808EventMapper } from './jt808-event.mapper';
import { DEFAULT_GATEWAY_OPTIONS, Jt808Gateway, type GatewayOptions } from './jt808-gateway';
import { Jt808Metrics } from './jt808-metrics';
import { StaticTerminalDirectory } from './terminal-directory';

// Real sockets on a shared machine: give each test room, the assertions do not depend on speed.
jest.setTimeout(30_000);

/** Stores what it is given; `hold()` makes it wait (a slow or absent hub) until `release()`. */
class MemoryTransport implements BatchTransport {
  events: IngestEvent[] = [];
  reject = new Set<string>();
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }
  release(): void {
    this.open?.();
    this.gate = null;
  }
  async send(batch: readonly IngestEvent[]): Promise<TransportResult> {
    if (this.gate) await this.gate;
    const rejected = new Map<number, string>();
    batch.forEach((e, i) => (this.reject.has(e.id) ? rejected.set(i, 'refused by test') : this.events.push(e)));
    return { kind: 'answered', rejected, duplicates: 0 };
  }
}

const KNOWN = '13800138000';
const SECOND = '13900139000';

/** A terminal built on the codec (the integration test has one written from the byte layout alone). */
class Terminal {
  frames: Jt808Frame[] = [];
  closed = false;
  serial = 1;
  private readonly deframer = new Jt808Deframer();
  private waiters: (() => void)[] = [];
  constructor(
    readonly socket: Socket,
    readonly phone: string,
    readonly version: ProtocolVersion = '2013',
  ) {
    socket.on('data', (c) => {
      for (const content of this.deframer.push(c)) {
        const r = decodeFrame(content);
        if (r.ok) this.frames.push(r.frame);
      }
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('error', () => undefined);
  }
  static async open(port: number, phone = KNOWN, version: ProtocolVersion = '2013'): Promise<Terminal> {
    const s = connect(port, '127.0.0.1');
    await new Promise<void>((r) => s.once('connect', () => r()));
    return new Terminal(s, phone, version);
  }
  send(msgId: number, body: Buffer = Buffer.alloc(0)): number {
    const serial = this.serial++;
    this.socket.write(encodeFrame({ msgId, version: this.version, phone: this.phone, serial }, body));
    return serial;
  }
  async until<T>(pick: () => T | undefined, ms = 10_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = pick();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error('timed out waiting for the gateway');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 25);
      });
    }
  }
  ackFor(serial: number, ms?: number) {
    return this.until(() => this.frames.filter((f) => f.header.msgId === 0x8001).map((f) => decodePlatformAck(f.body)).find((a) => a.replySerial === serial), ms);
  }
  acks() {
    return this.frames.filter((f) => f.header.msgId === 0x8001).map((f) => decodePlatformAck(f.body));
  }
  async login(): Promise<void> {
    const s = this.send(0x0100, encodeRegister({ province: 31, city: 0, manufacturerId: 'KJ', model: 'T', terminalId: 'X1', plateColor: 2, plate: '沪A00001' }, this.version));
    const reg = await this.until(() => this.frames.filter((f) => f.header.msgId === 0x8100).map((f) => decodeRegisterAck(f.body)).find((a) => a.replySerial === s));
    expect(reg.result).toBe(0);
    const a = this.send(0x0102, encodeAuthenticate({ authCode: reg.authCode!, imei: '860000000000001', softwareVersion: 'v1' }, this.version));
    expect((await this.ackFor(a)).result).toBe(0);
  }
  close() {
    this.socket.destroy();
  }
}

const location = (over: Partial<LocationReport> = {}): LocationReport => ({
  alarm: 0,
  status: 0b11,
  latE6: 31_230_000,
  lonE6: 121_470_000,
  altitudeM: 5,
  speed10: 600,
  direction: 90,
  time: epochMsToBcdTime(Date.now()),
  extras: [],
  ...over,
});

let gateway: Jt808Gateway;
let transport: MemoryTransport;
let sink: BatchingEventSink;
let metrics: Jt808Metrics;
let port: number;
const terminals: Terminal[] = [];

async function start(over: Partial<GatewayOptions> = {}, capacity = 1000) {
  transport = new MemoryTransport();
  sink = new BatchingEventSink(transport, { capacity, batchMax: 100, flushMs: 5, maxInFlight: 1, retryMinMs: 5, retryMaxMs: 20 });
  metrics = new Jt808Metrics();
  const directory = new StaticTerminalDirectory([
    [KNOWN, { vehicleId: 'VEH-0001', plate: '沪A00001' }],
    [`000000000${SECOND}`, { vehicleId: 'VEH-0002', plate: '沪A00002' }],
  ]);
  gateway = new Jt808Gateway(
    { ...DEFAULT_GATEWAY_OPTIONS, host: '127.0.0.1', port: 0, authSecret: 'test-secret-0123456789', ...over },
    { logger: pino({ level: 'silent' }), metrics, directory, sink, mapper: new Jt808EventMapper() },
  );
  port = (await gateway.listen()).port;
}
async function open(phone = KNOWN, version: ProtocolVersion = '2013') {
  const t = await Terminal.open(port, phone, version);
  terminals.push(t);
  return t;
}

afterEach(async () => {
  terminals.splice(0).forEach((t) => t.close());
  transport.release();
  await gateway.close();
  await sink.close(1000);
});

describe('Jt808Gateway: register, authenticate, report', () => {
  beforeEach(() => start());

  it('hands out an auth code, accepts it, and acks a position only once the hub stored it', async () => {
    const t = await open();
    await t.login();
    transport.hold();
    const s = t.send(0x0200, encodeLocation(location()));
    await new Promise((r) => setTimeout(r, 100));
    expect(t.acks().find((a) => a.replySerial === s)).toBeUndefined();
    transport.release();
    expect(await t.ackFor(s)).toEqual({ replySerial: s, replyId: 0x0200, result: 0 });
    expect(transport.events).toEqual([expect.objectContaining({ type: 'vehicle.position', vehicleId: 'VEH-0001', lat: 31.23, lon: 121.47, speedKmh: 60 })]);
    expect(gateway.connectionOf(KNOWN)).toBeDefined();
  });

  it('speaks 2019 headers back to a 2019 terminal (20-digit phone)', async () => {
    const t = await open(SECOND, '2019');
    await t.login();
    expect(t.frames.every((f) => f.header.version === '2019' && f.header.phone === `000000000${SECOND}`)).toBe(true);
    const s = t.send(0x0200, encodeLocation(location()));
    expect((await t.ackFor(s)).result).toBe(0);
    expect(transport.events[0]).toMatchObject({ vehicleId: 'VEH-0002' });
  });

  it('refuses an unknown terminal at registration (result 4) and at authentication (closes)', async () => {
    const t = await open('13000000000');
    const s = t.send(0x0100, encodeRegister({ province: 0, city: 0, manufacturerId: '', model: '', terminalId: '', plateColor: 0, plate: 'VIN' }, '2013'));
    const reg = await t.until(() => t.frames.find((f) => f.header.msgId === 0x8100));
    expect(decodeRegisterAck(reg.body)).toEqual({ replySerial: s, result: 4 });
    const a = t.send(0x0102, Buffer.from('GUESSED'));
    expect((await t.ackFor(a)).result).toBe(1);
    await t.until(() => (t.closed ? true : undefined));
    expect(metrics.get('auth_total', { outcome: 'auth_unknown' })).toBe(1);
  });

  it('refuses a wrong auth code for a known terminal', async () => {
    const t = await open();
    const a = t.send(0x0102, Buffer.from('WRONG'));
    expect((await t.ackFor(a)).result).toBe(1);
    await t.until(() => (t.closed ? true : undefined));
  });

  it('answers failure to reports before authentication and stores nothing', async () => {
    const t = await open();
    const s = t.send(0x0200, encodeLocation(location()));
    expect((await t.ackFor(s)).result).toBe(1);
    expect(transport.events).toEqual([]);
  });

  it('acks heartbeats, says "unsupported" to unknown messages and "message error" to a bad body', async () => {
    const t = await open();
    await t.login();
    expect((await t.ackFor(t.send(0x0002))).result).toBe(0);
    expect((await t.ackFor(t.send(0x0f0f))).result).toBe(3);
    expect((await t.ackFor(t.send(0x0200, Buffer.alloc(10)))).result).toBe(2);
    expect(metrics.get('messages_rejected_total', { reason: 'bad_body' })).toBe(1);
  });

  it('raises an incident on an alarm and acks with "message error" when the hub refuses the event', async () => {
    const t = await open();
    await t.login();
    const s = t.send(0x0200, encodeLocation(location({ alarm: 1 << 29 })));
    expect((await t.ackFor(s)).result).toBe(0);
    expect(transport.events.map((e) => e.type).sort()).toEqual(['vehicle.incident', 'vehicle.position']);
    expect(transport.events.find((e) => e.type === 'vehicle.incident')).toMatchObject({ kind: 'collision', vehicleId: 'VEH-0001' });
    const loc = location({ time: epochMsToBcdTime(Date.now() + 5000) });
    const mapped = new Jt808EventMapper().map({ phone: KNOWN, vehicleId: 'VEH-0001', receivedAtMs: 0, backfill: false }, [{ raw: encodeLocation(loc), location: loc }]);
    transport.reject.add(mapped.events[0].id);
    expect((await t.ackFor(t.send(0x0200, encodeLocation(loc)))).result).toBe(2);
  });

  it('reassembles a split 0x0704 back-fill, acking every packet, and flags the positions', async () => {
    const t = await open();
    await t.login();
    const t0 = Date.now() - 600_000;
    const body = encodeLocationBatch(1, Array.from({ length: 40 }, (_, i) => location({ time: epochMsToBcdTime(t0 + i * 1000) })));
    const first = t.serial;
    t.serial += 3;
    const frames = encodeSplitFrames({ msgId: 0x0704, version: '2013', phone: KNOWN, serial: first }, body, 500);
    expect(frames).toHaveLength(3);
    for (const f of [frames[2], frames[0], frames[1]]) t.socket.write(f);
    for (const s of [first, first + 1, first + 2]) expect((await t.ackFor(s)).result).toBe(0);
    expect(transport.events).toHaveLength(40);
    expect(transport.events.every((e) => e.type === 'vehicle.position' && e.backfill === true)).toBe(true);
    expect(metrics.get('positions_total', { kind: 'backfill' })).toBe(40);
  });
});

describe('Jt808Gateway: robustness', () => {
  it('counts a bad checksum and carries on with the next frame on the same connection', async () => {
    await start();
    const t = await open();
    await t.login();
    const bad = encodeFrame({ msgId: 0x0002, version: '2013', phone: KNOWN, serial: 500 });
    bad[bad.length - 2] ^= 0xff;
    t.socket.write(bad);
    const s = t.send(0x0002);
    expect((await t.ackFor(s)).result).toBe(0);
    expect(t.acks().find((a) => a.replySerial === 500)).toBeUndefined();
    expect(metrics.get('frames_rejected_total', { reason: 'bad_checksum' })).toBe(1);
    expect(t.closed).toBe(false);
  });

  it('skips an oversize frame to the next flag and carries on', async () => {
    await start({ maxFrameContent: 200 });
    const t = await open();
    await t.login();
    t.socket.write(Buffer.concat([Buffer.from([0x7e]), Buffer.alloc(5000, 0x33), Buffer.from([0x7e])]));
    expect((await t.ackFor(t.send(0x0002))).result).toBe(0);
    expect(metrics.get('frames_rejected_total', { reason: 'oversize' })).toBe(1);
    expect(metrics.get('bytes_discarded_total')).toBeGreaterThanOrEqual(5000);
  });

  it('closes a connection that sends nothing, and one that never authenticates', async () => {
    await start({ idleTimeoutMs: 150, authTimeoutMs: 300 });
    const idle = await open();
    await idle.login();
    await idle.until(() => (idle.closed ? true : undefined));
    await idle.until(() => (metrics.get('connections_closed_total', { reason: 'idle' }) === 1 ? true : undefined));
    // Keeps talking (heartbeats) but never authenticates: closed by the sweep after authTimeoutMs.
    const anon = await open();
    const beat = setInterval(() => anon.send(0x0002), 50);
    try {
      await anon.until(() => (anon.closed ? true : undefined));
    } finally {
      clearInterval(beat);
    }
    await anon.until(() => (metrics.get('connections_closed_total', { reason: 'auth_timeout' }) === 1 ? true : undefined));
  });

  it('replaces the first connection when the same terminal connects again', async () => {
    await start();
    const first = await open();
    await first.login();
    const second = await open();
    await second.login();
    await first.until(() => (first.closed ? true : undefined));
    expect(gateway.connectionOf(KNOWN)).toBeDefined();
    expect((await second.ackFor(second.send(0x0002))).result).toBe(0);
    expect(metrics.get('connections_closed_total', { reason: 'replaced' })).toBe(1);
  });

  it('rate-limits a flooding connection without dropping its frames', async () => {
    await start({ rateFramesPerSec: 40, rateBurst: 5 });
    const t = await open();
    await t.login();
    const t0 = Date.now();
    const serials = Array.from({ length: 30 }, () => t.send(0x0002));
    await new Promise((r) => setTimeout(r, 200));
    // Within 200 ms a 40/s budget with a burst of 5 allows at most 5 + 8 (+1 for timer slack).
    expect(t.acks().filter((a) => serials.includes(a.replySerial)).length).toBeLessThanOrEqual(5 + Math.ceil(((Date.now() - t0) * 40) / 1000) + 1);
    await t.until(() => (t.acks().filter((a) => serials.includes(a.replySerial)).length === 30 ? true : undefined), 5000);
    expect(metrics.get('flow_paused_total', { cause: 'rate' })).toBeGreaterThan(0);
  });

  it('a terminal flooding a stalled hub holds at most its own share; another terminal still gets in', async () => {
    await start({ maxPendingEvents: 20, rateFramesPerSec: 100_000, rateBurst: 100_000 }, 100);
    const flood = await open();
    await flood.login();
    const quiet = await open(SECOND);
    await quiet.login();
    transport.hold();
    const t0 = Date.now() - 3600_000;
    const sent = Array.from({ length: 300 }, (_, i) => flood.send(0x0200, encodeLocation(location({ time: epochMsToBcdTime(t0 + i * 1000) }))));
    await flood.until(() => (sink.depth >= 20 ? true : undefined));
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.depth).toBe(20);
    const q = quiet.send(0x0200, encodeLocation(location()));
    await quiet.until(() => (sink.depth === 21 ? true : undefined));
    transport.release();
    expect((await quiet.ackFor(q)).result).toBe(0);
    // Every flooded report is eventually stored and acknowledged: paused, never dropped.
    await flood.until(() => (flood.acks().filter((a) => a.replyId === 0x0200).length === 300 ? true : undefined), 20_000);
    expect(new Set(flood.acks().map((a) => a.replySerial))).toEqual(new Set([...sent, 2])); // 1 was the registration (0x8100)
    expect(transport.events.filter((e) => e.type === 'vehicle.position' && e.vehicleId === 'VEH-0001')).toHaveLength(300);
    expect(metrics.get('flow_paused_total', { cause: 'pending' })).toBeGreaterThan(0);
  });

  it('asks for missing split packets (0x8003) when a message stalls', async () => {
    await start({ reassembly: { maxMessages: 2, maxPackets: 8, timeoutMs: 300 } });
    const t = await open();
    await t.login();
    const body = encodeLocationBatch(1, Array.from({ length: 40 }, () => location()));
    const frames = encodeSplitFrames({ msgId: 0x0704, version: '2013', phone: KNOWN, serial: 100 }, body, 500);
    t.socket.write(frames[0]);
    t.socket.write(frames[2]);
    const req = await t.until(() => t.frames.find((f) => f.header.msgId === 0x8003));
    expect(decodeResendRequest(req.body, '2013')).toEqual({ originalSerial: 100, packetIds: [2] });
    t.socket.write(frames[1]);
    expect((await t.ackFor(101)).result).toBe(0);
    expect(transport.events).toHaveLength(40);
  });
});
