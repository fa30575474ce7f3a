import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import type { Network } from '@kanjian/shared';
import Redis from 'ioredis';
import { Client } from 'pg';
import { epochMsToBcdTime } from '../jt808/codec/bcd.util';
import { decodeFrame, encodeFrame, Jt808Deframer } from '../jt808/codec/jt808-frame.codec';
import { freePort, runCli, stopProcess as stop, waitHttp } from './processes';
import { decodePlatformAck, decodeRegisterAck, encodeAuthenticate, encodeLocation, encodeRegister } from '../jt808/codec/jt808-message.codec';

/**
 * npm run bench:jt808 — N terminals (default 5,000) connect over loopback to the gateway process, register,
 * authenticate and report a position once a second each, spread evenly over the second. The gateway
 * acknowledges a report only after the hub (its own process, fresh database) has stored it, so the time from
 * writing a frame to reading its 0x8001 is the frame→stored latency. After a warm-up, positions/s and latency
 * percentiles are taken over a fixed window; the run is bounded by a hard deadline.
 * Options (env): KJ_BENCH_TERMINALS, KJ_BENCH_WARMUP_S, KJ_BENCH_MEASURE_S, KJ_BENCH_DEADLINE_S, KJ_BENCH_RULES=on|off, and
 * KJ_BENCH_GATEWAY_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the gateway); the gateway's
 * own KJ_JT808_* variables pass through.
 */
const TERMINALS = Number(process.env.KJ_BENCH_TERMINALS ?? 5000);
const WARMUP_S = Number(process.env.KJ_BENCH_WARMUP_S ?? 20);
const MEASURE_S = Number(process.env.KJ_BENCH_MEASURE_S ?? 30);
const DEADLINE_S = Number(process.env.KJ_BENCH_DEADLINE_S ?? 300);
/** The hub's rule engine, on by default as deployed; `off` isolates the ingest path. */
const HUB_RULES = process.env.KJ_BENCH_RULES === 'off' ? 'off' : 'on';
const PG_ADMIN = process.env.KJ_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.KJ_BENCH_REDIS ?? 'redis://127.0.0.1:6379';
const DIST = resolve(__dirname, '..');
const RESULT = resolve(__dirname, '../../../bench/results/jt808.json');

const log = (msg: string) => process.stderr.write(`[bench:jt808] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cli = (env: NodeJS.ProcessEnv, ...args: string[]) => runCli(DIST, env, ...args);

function start(script: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, script], { env, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** CPU seconds of a process, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Upper bound of the bucket holding quantile q of a Prometheus histogram (whole run, warm-up included). */
function histogramQuantile(text: string, name: string, q: number): number | null {
  const buckets = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)$`, 'gm'))].map((m) => [Number(m[1]), Number(m[2])] as const);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (!total) return null;
  return buckets.find(([, n]) => n >= q * total)?.[0] ?? null;
}

/** One simulated truck: registers, authenticates, then reports when the scheduler tells it to. */
class BenchTerminal {
  serial = 1;
  authCode = '';
  ready = false;
  step = 0;
  /** Send time by serial (& 0xffff) of reports not yet acknowledged. */
  readonly sent = new Map<number, number>();
  private readonly deframer = new Jt808Deframer();
  private resolveReady: (() => void) | null = null;

  constructor(
    readonly socket: Socket,
    readonly phone: string,
    readonly index: number,
    private readonly onAck: (t: BenchTerminal, serial: number, result: number, now: number) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (c: Buffer) => this.onData(c));
    socket.on('error', () => undefined);
  }

  private onData(chunk: Buffer) {
    const now = performance.now();
    for (const content of this.deframer.push(chunk)) {
      const r = decodeFrame(content);
      if (!r.ok) continue;
      const { msgId } = r.frame.header;
      if (msgId === 0x8100) {
        const a = decodeRegisterAck(r.frame.body);
        if (a.result !== 0) throw new Error(`terminal ${this.phone} refused at registration (${a.result})`);
        this.authCode = a.authCode!;
        this.write(0x0102, encodeAuthenticate({ authCode: this.authCode }, '2013'));
      } else if (msgId === 0x8001) {
        const a = decodePlatformAck(r.frame.body);
        if (a.replyId === 0x0102) {
          if (a.result !== 0) throw new Error(`terminal ${this.phone} refused at authentication`);
          this.ready = true;
          this.resolveReady?.();
        } else if (a.replyId === 0x0200) this.onAck(this, a.replySerial, a.result, now);
      }
    }
  }

  login(): Promise<void> {
    return new Promise((r) => {
      this.resolveReady = r;
      this.write(0x0100, encodeRegister({ province: 31, city: 0, manufacturerId: 'KJ', model: 'BENCH', terminalId: String(this.index), plateColor: 2, plate: 'BENCH' }, '2013'));
    });
  }

  write(msgId: number, body: Buffer): number {
    const serial = this.serial;
    this.serial = (this.serial + 1) & 0xffff;
    this.socket.write(encodeFrame({ msgId, version: '2013', phone: this.phone, serial }, body));
    return serial;
  }

  report(nowMs: number): void {
    this.step++;
    const body = encodeLocation({
      alarm: 0,
      status: 0b11,
      latE6: 22_000_000 + (this.index % 1000) * 10_000 + this.step * 10,
      lonE6: 110_000_000 + Math.floor(this.index / 1000) * 100_000,
      altitudeM: 10,
      speed10: 700,
      direction: 0,
      time: epochMsToBcdTime(nowMs),
      extras: [],
    });
    const serial = this.write(0x0200, body);
    this.sent.set(serial, performance.now());
  }
}

async function main() {
  const hardStop = setTimeout(() => {
    log(`deadline of ${DEADLINE_S} s passed; aborting`);
    process.exit(3);
  }, DEADLINE_S * 1000);
  hardStop.unref();

  const suffix = randomBytes(3).toString('hex');
  const dbName = `kj_bench_jt808_${suffix}`;
  const prefix = `kjb808${suffix}`;
  const evidence = mkdtempSync(join(tmpdir(), 'kj-bench-jt808-'));
  let hub: ChildProcess | undefined;
  let gw: ChildProcess | undefined;
  const sockets: Socket[] = [];
  const admin = new Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  try {
    const hubPort = await freePort();
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    const env = {
      ...process.env,
      KJ_DATABASE_URL: PG_ADMIN.replace(/\/[^/]*$/, `/${dbName}`),
      KJ_REDIS_URL: REDIS_URL,
      KJ_REDIS_PREFIX: prefix,
      KJ_HTTP_PORT: String(hubPort),
      KJ_HTTP_HOST: '127.0.0.1',
      KJ_JWT_SECRET: `bench-secret-${suffix}-0000`,
      KJ_EVIDENCE_DIR: evidence,
      KJ_LOG_LEVEL: 'warn',
      KJ_RULES_ENABLED: String(HUB_RULES === 'on'),
    };
    // 300 vehicles per unit of scale, about 70 % with a terminal.
    const scale = Math.min(100, Math.ceil((TERMINALS / 0.7 / 300) * 1.05 * 10) / 10);
    log(`database ${dbName}: migrate, seed --scale ${scale}`);
    cli(env, 'migrate');
    cli(env, 'seed', '--seed', '42', '--scale', String(scale));
    const token = cli(env, 'create-token', '--name', 'bench-jt808', '--scope', 'all').split('\n').pop()!.trim();
    hub = start(join(DIST, 'main.js'), env);
    await waitHttp(`${hubUrl}/api/health`, hub, 'hub', 60_000);
    const net = (await (await fetch(`${hubUrl}/api/v1/network`, { headers: { authorization: `Bearer ${token}` } })).json()) as Network;
    const phones = net.vehicles.map((v) => v.terminalPhone).filter((p): p is string => !!p).slice(0, TERMINALS);
    if (phones.length < TERMINALS) throw new Error(`the seeded network has ${phones.length} terminals, fewer than ${TERMINALS}`);

    const gwPort = await freePort();
    const metricsPort = await freePort();
    gw = start(join(DIST, 'jt808', 'jt808-main.js'), {
      ...process.env,
      KJ_JT808_HOST: '127.0.0.1',
      KJ_JT808_PORT: String(gwPort),
      KJ_JT808_HUB_URL: hubUrl,
      KJ_JT808_TOKEN: token,
      KJ_JT808_AUTH_SECRET: `bench-gateway-${suffix}-secret`,
      KJ_JT808_METRICS_PORT: String(metricsPort),
      KJ_LOG_LEVEL: 'warn',
    }, (process.env.KJ_BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean));
    await waitHttp(`http://127.0.0.1:${metricsPort}/health`, gw, 'gateway', 60_000);

    // Latencies of the measurement window, and counts.
    let measuring = false;
    const samples = new Float64Array(TERMINALS * (MEASURE_S + 5) * 2);
    let nSamples = 0;
    let acked = 0;
    let nacked = 0;
    const onAck = (t: BenchTerminal, serial: number, result: number, now: number) => {
      const at = t.sent.get(serial);
      if (at === undefined) return;
      t.sent.delete(serial);
      if (result !== 0) {
        nacked++;
        return;
      }
      if (!measuring) return;
      acked++;
      if (nSamples < samples.length) samples[nSamples++] = now - at;
    };

    log(`connecting ${TERMINALS} terminals to the gateway on port ${gwPort}`);
    const terminals: BenchTerminal[] = [];
    const t0 = performance.now();
    for (let i = 0; i < phones.length; i += 250) {
      const chunk = phones.slice(i, i + 250);
      const made = await Promise.all(
        chunk.map(async (phone, k) => {
          const s = connect(gwPort, '127.0.0.1');
          await new Promise<void>((r, j) => {
            s.once('connect', () => r());
            s.once('error', j);
          });
          sockets.push(s);
          const t = new BenchTerminal(s, phone, i + k, onAck);
          await t.login();
          return t;
        }),
      );
      terminals.push(...made);
    }
    log(`${terminals.length} terminals authenticated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // Scheduler: terminal i reports at phase i/N of every second; a late tick catches up, so the offered
    // load stays exactly N per second.
    const startMs = performance.now();
    let due = 0;
    const tick = setInterval(() => {
      const target = Math.floor(((performance.now() - startMs) * TERMINALS) / 1000);
      const wall = Date.now();
      for (; due < target; due++) terminals[due % TERMINALS].report(wall);
    }, 10);

    log(`warming up for ${WARMUP_S} s at ${TERMINALS} positions/s offered`);
    await sleep(WARMUP_S * 1000);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const selfCpu0 = process.cpuUsage();
    const gwCpu0 = cpuSeconds(gw.pid!);
    const hubCpu0 = cpuSeconds(hub.pid!);
    const offered0 = due;
    measuring = true;
    const m0 = performance.now();
    log(`measuring for ${MEASURE_S} s`);
    await sleep(MEASURE_S * 1000);
    measuring = false;
    const elapsedS = (performance.now() - m0) / 1000;
    const offered = due - offered0;
    const gwCpu = ((cpuSeconds(gw.pid!) - gwCpu0) / elapsedS) * 100;
    const hubCpu = ((cpuSeconds(hub.pid!) - hubCpu0) / elapsedS) * 100;
    const self = process.cpuUsage(selfCpu0);
    const clientCpu = ((self.user + self.system) / 1e6 / elapsedS) * 100;
    clearInterval(tick);
    loop.disable();
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const hubMetrics = await (await fetch(`${hubUrl}/metrics`)).text();
    const unacked = terminals.reduce((n, t) => n + t.sent.size, 0);

    const sorted = samples.slice(0, nSamples).sort();
    const result = {
      terminals: TERMINALS,
      positions_per_s: Math.round(acked / elapsedS),
      offered_per_s: Math.round(offered / elapsedS),
      latency_p50_ms: Math.round(percentile(sorted, 50) * 10) / 10,
      latency_p99_ms: Math.round(percentile(sorted, 99) * 10) / 10,
      latency_max_ms: Math.round(percentile(sorted, 100) * 10) / 10,
      refused_reports: nacked,
      unacknowledged_at_end: unacked,
      gateway_cpu_pct: Math.round(gwCpu),
      hub_cpu_pct: Math.round(hubCpu),
      client_cpu_pct: Math.round(clientCpu),
      hub_rules: HUB_RULES,
      warmup_s: WARMUP_S,
      measure_s: Math.round(elapsedS * 10) / 10,
      method: 'frame written by the terminal → 0x8001 read by the terminal; the gateway sends it after the hub stored the events',
      gateway_frames_rejected: Number(/kanjian_jt808_frames_rejected_total\S* (\d+)/.exec(metrics)?.[1] ?? 0),
      gateway_store_latency_p99_ms_le: histogramQuantile(metrics, 'kanjian_jt808_store_latency_ms', 0.99),
      gateway_hub_request_p99_ms_le: histogramQuantile(metrics, 'kanjian_jt808_hub_request_ms', 0.99),
      hub_flush_p99_ms_le: (histogramQuantile(hubMetrics, 'kj_ingest_flush_seconds', 0.99) ?? NaN) * 1000,
      client_loop_delay_p99_ms: Math.round(loop.percentile(99) / 1e5) / 10,
      load_avg_1m: Math.round(loadavg()[0] * 100) / 100,
      cpus: cpus().length,
      node: process.version,
      measured_at: new Date().toISOString(),
    };
    mkdirSync(resolve(RESULT, '..'), { recursive: true });
    writeFileSync(RESULT, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    log(`wrote ${RESULT}`);
  } finally {
    for (const s of sockets) s.destroy();
    await stop(gw);
    await stop(hub);
    const c = new Client({ connectionString: PG_ADMIN });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
    const redis = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
    rmSync(evidence, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    log(`failed: ${e.stack ?? e.message}`);
    process.exit(1);
  },
);
