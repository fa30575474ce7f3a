import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { io } from 'socket.io-client';
import { visitDeltaPositions, type ClientToServerEvents, type RoomDeltaV1, type ServerToClientEvents } from '@kanjian/shared';
import type { Socket } from 'socket.io-client';
import { benchDb, percentile, postBatches, procStats, startHubProcess, writeResult } from './bench-env';
import { PositionStream } from './position-stream';

/**
 * npm run bench:ingest — drives a hub process over HTTP from this process with a realistic position stream:
 *  1. sustained positions/s stored (batches of 2,000, several requests in flight, for SUSTAIN_S seconds);
 *  2. p50/p99 ingest→socket latency at a fixed 20,000 positions/s (a Socket.IO client in room hq);
 *  3. raw COPY rows/s into the same database, as the reference.
 * Options (env): KJ_BENCH_SCALE (fleet; 67 ≈ 20,000 vehicles), KJ_BENCH_SUSTAIN_S, KJ_BENCH_LATENCY_S,
 * KJ_BENCH_RULES=on|off (the rules' cost is measured by bench:rules).
 */
const SCALE = Number(process.env.KJ_BENCH_SCALE ?? 67);
const SUSTAIN_S = Number(process.env.KJ_BENCH_SUSTAIN_S ?? 20);
const LATENCY_S = Number(process.env.KJ_BENCH_LATENCY_S ?? 20);
const RULES = (process.env.KJ_BENCH_RULES ?? 'off') as 'on' | 'off';
const BATCH = 2000;
const IN_FLIGHT = Number(process.env.KJ_BENCH_IN_FLIGHT ?? 16);
const COPY_ROWS = 1_000_000;

function log(msg: string) {
  process.stderr.write(`[bench:ingest] ${msg}\n`);
}

async function sustained(url: string, token: string, stream: PositionStream, seconds: number) {
  // Bodies are made before the clock starts so the generator does not compete with the hub for the 2 cores.
  const total = Math.ceil((seconds * 160_000) / BATCH);
  log(`preparing ${total} batches of ${BATCH}`);
  const bodies = Array.from({ length: total }, () => JSON.stringify(stream.next(BATCH)));
  const r = await postBatches([url], token, bodies, seconds, IN_FLIGHT);
  if (r.usedAll) log('warning: ran out of prepared batches before the time was up (the hub is faster than planned)');
  return r;
}

async function latency(url: string, token: string, stream: PositionStream, room: string, seconds: number, rate = 20_000) {
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-hq', password: 'bench' }) });
  const { token: userToken } = (await login.json()) as { token: string };
  const sock: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${url}/live`, { auth: { token: userToken }, transports: ['websocket'] });
  await new Promise<void>((r, j) => {
    sock.once('connect', () => r());
    sock.once('connect_error', j);
  });
  // A region room (frames every 125 ms) is what an operations screen follows; hq gets the whole fleet once a second.
  await new Promise((r) => sock.emit('subscribe.v1', { room }, r));
  await new Promise((r) => sock.emit('subscribe.v1', { room: 'hq' }, r));
  const samples: number[] = [];
  const hqSamples: number[] = [];
  let measuring = false;
  sock.on('delta.v1', (d: RoomDeltaV1) => {
    if (!measuring) return;
    const now = Date.now();
    const into = d.room === 'hq' ? hqSamples : samples;
    visitDeltaPositions(d, (_id, _lat, _lon, _speed, _heading, at) => into.push(now - at));
  });
  const tickMs = 50;
  const perTick = Math.round((rate * tickMs) / 1000);
  let sent = 0;
  const warmup = 3000;
  const start = Date.now();
  let errors = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const el = Date.now() - start;
      measuring = el > warmup;
      if (el > warmup + seconds * 1000) {
        clearInterval(timer);
        resolve();
        return;
      }
      const body = JSON.stringify(stream.next(perTick, Date.now()));
      sent += perTick;
      void fetch(`${url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body })
        .then((r) => (r.status === 200 ? r.text() : (errors++, r.text())))
        .catch(() => errors++);
    }, tickMs);
  });
  await new Promise((r) => setTimeout(r, 500));
  sock.disconnect();
  samples.sort((a, b) => a - b);
  hqSamples.sort((a, b) => a - b);
  const achieved = sent / (seconds + warmup / 1000);
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    hqP50: percentile(hqSamples, 50),
    hqP99: percentile(hqSamples, 99),
    samples: samples.length,
    achievedRate: achieved,
    errors,
  };
}

async function rawCopy(dbUrl: string, stream: PositionStream) {
  const c = new Client({ connectionString: dbUrl });
  await c.connect();
  await c.query(`DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy (LIKE vehicle_positions INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
  const chunks: string[] = [];
  for (let i = 0; i < COPY_ROWS; i += 10_000) {
    chunks.push(
      stream
        .next(10_000)
        .map((e) => `${e.at}\t${e.vehicleId}\t${e.id}\t${e.lat}\t${e.lon}\t${e.speedKmh}\t${e.heading}\t${e.tempC ?? '\\N'}\t\\N\t\\N\tf\n`)
        .join(''),
    );
  }
  const t0 = performance.now();
  await pipeline(Readable.from(chunks), c.query(copyFrom(`COPY bench_copy (at, vehicle_id, id, lat, lon, speed_kmh, heading, temp_c, humidity_pct, trip_id, backfill) FROM STDIN`)));
  const s = (performance.now() - t0) / 1000;
  await c.query(`DROP TABLE bench_copy`);
  await c.end();
  return COPY_ROWS / s;
}

async function runOnce(rulesOn: boolean, db: Awaited<ReturnType<typeof benchDb>>) {
  const hub = await startHubProcess(db.url, { KJ_RULES_ENABLED: String(rulesOn) });
  try {
    const stream = new PositionStream(db.net, Date.now() - 6 * 3600_000);
    log(`hub up (rules ${rulesOn ? 'on' : 'off'}), ${stream.vehicles} vehicles; sustained load for ${SUSTAIN_S}s`);
    const cpu0 = procStats(hub.pid);
    const s = await sustained(hub.url, db.token, stream, SUSTAIN_S);
    const cpu1 = procStats(hub.pid);
    const m = await (await fetch(`${hub.url}/metrics`)).text();
    const num = (re: RegExp) => Number(re.exec(m)?.[1] ?? NaN);
    const flushes = num(/^kj_ingest_flush_seconds_count (\S+)/m);
    log(`flushes: ${flushes}, mean ${((num(/^kj_ingest_flush_seconds_sum (\S+)/m) / flushes) * 1000).toFixed(1)} ms and ${Math.round(num(/^kj_ingest_flush_rows_sum (\S+)/m) / flushes)} rows each`);
    log(`stored ${s.stored} in ${s.elapsed.toFixed(1)}s = ${Math.round(s.perS)}/s (failed requests: ${s.failed}); hub CPU ${(((cpu1.cpuS - cpu0.cpuS) / s.elapsed) * 100).toFixed(0)}%, RSS ${cpu1.rssMb.toFixed(0)} MB`);
    log(`latency at 20,000 positions/s for ${LATENCY_S}s`);
    const room = `region:${db.net.regions[0]!.id}`;
    const l = await latency(hub.url, db.token, new PositionStream(db.net, Date.now()), room, LATENCY_S);
    log(`ingest→socket in ${room}: p50 ${l.p50} ms, p99 ${l.p99} ms over ${l.samples} positions shown; hq: p50 ${l.hqP50} ms, p99 ${l.hqP99} ms (rate ${Math.round(l.achievedRate)}/s, errors ${l.errors})`);
    return { s, l, hubCpuPct: ((cpu1.cpuS - cpu0.cpuS) / s.elapsed) * 100, hubRssMb: cpu1.rssMb };
  } finally {
    await hub.stop();
  }
}

async function main() {
  log(`preparing a database with the reference network at scale ${SCALE}`);
  const db = await benchDb(SCALE);
  try {
    const modes = [RULES === 'on'];
    const runs = [];
    for (const m of modes) runs.push({ rulesOn: m, ...(await runOnce(m, db)) });
    log('raw COPY reference');
    const copy = await rawCopy(db.url, new PositionStream(db.net, Date.now() - 48 * 3600_000));
    const main = runs[0]!;
    const result = {
      positions_per_s: Math.round(main.s.perS),
      copy_rows_per_s: Math.round(copy),
      ratio_to_copy: +(main.s.perS / copy).toFixed(3),
      latency_p50_ms: main.l.p50,
      latency_p99_ms: main.l.p99,
      latency_room: 'region',
      hq_latency_p50_ms: main.l.hqP50,
      hq_latency_p99_ms: main.l.hqP99,
      latency_rate_per_s: Math.round(main.l.achievedRate),
      vehicles: db.net.vehicles.length,
      batch_size: BATCH,
      requests_in_flight: IN_FLIGHT,
      hub_cpu_pct: Math.round(main.hubCpuPct),
      hub_rss_mb: Math.round(main.hubRssMb),
      rules: main.rulesOn ? 'on' : 'off',
    };
    console.log(JSON.stringify(result, null, 2));
    log(`wrote ${writeResult('ingest.json', result)}`);
  } finally {
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
