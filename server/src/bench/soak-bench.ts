import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { visitDeltaPositions, type RoomDeltaV1 } from '@kanjian/shared';
import { benchDb, percentile, procStats, startHubProcess, writeResult } from './bench-env';
import { PositionStream } from './position-stream';

/**
 * npm run bench:soak — the demo's default scale for KJ_BENCH_MINUTES (default 30): the simulator drives the hub
 * (or, if the simulator is not built, the bench position stream at the same fleet size), a wallboard client
 * follows a region room. Hub memory and freshness (position time → shown) in the first and last minute.
 */
const MINUTES = Number(process.env.KJ_BENCH_MINUTES ?? 30);
const SCALE = Number(process.env.KJ_BENCH_SCALE ?? 1);

function log(m: string) {
  process.stderr.write(`[bench:soak] ${m}\n`);
}

async function main() {
  const db = await benchDb(SCALE);
  const hub = await startHubProcess(db.url);
  let sim: ChildProcess | null = null;
  const stop = { done: false };
  try {
    const simMain = join(__dirname, '../../../simulator/dist/main.js');
    if (existsSync(simMain)) {
      sim = spawn(process.execPath, [simMain, '--hub', hub.url, '--token', db.token, '--seed', '42', '--scale', String(SCALE)], { stdio: ['ignore', 'ignore', 'inherit'] });
      log('driving with the simulator');
    } else {
      log('simulator not built: driving with the bench position stream at the same fleet size');
      const stream = new PositionStream(db.net, Date.now());
      void (async () => {
        while (!stop.done) {
          const body = JSON.stringify(stream.next(stream.vehicles, Date.now()));
          await fetch(`${hub.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${db.token}`, 'content-type': 'application/json' }, body }).then((r) => r.text(), () => undefined);
          await new Promise((r) => setTimeout(r, 1000));
        }
      })();
    }
    const login = await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-hq', password: 'bench' }) });
    const { token } = (await login.json()) as { token: string };
    const sock = io(`${hub.url}/live`, { auth: { token }, transports: ['websocket'] });
    const room = `region:${db.net.regions[0]!.id}`;
    sock.on('connect', () => sock.emit('subscribe.v1', { room }, () => undefined));
    let window: number[] = [];
    sock.on('delta.v1', (d: RoomDeltaV1) => {
      const now = Date.now();
      visitDeltaPositions(d, (_id, _lat, _lon, _speed, _heading, at) => window.push(now - at));
    });
    const sample = () => {
      const w = window.sort((a, b) => a - b);
      window = [];
      return { rss_mb: Math.round(procStats(hub.pid).rssMb), freshness_p50_ms: percentile(w, 50), freshness_p99_ms: percentile(w, 99), samples: w.length };
    };
    await new Promise((r) => setTimeout(r, 60_000));
    const start = sample();
    log(`first minute: ${JSON.stringify(start)}`);
    const total = MINUTES * 60_000;
    for (let t = 60_000; t < total - 60_000; t += 60_000) {
      await new Promise((r) => setTimeout(r, 60_000));
      const m = sample();
      log(`minute ${t / 60_000 + 1}: rss ${m.rss_mb} MB, p99 ${m.freshness_p99_ms} ms`);
    }
    await new Promise((r) => setTimeout(r, 60_000));
    const end = sample();
    log(`last minute: ${JSON.stringify(end)}`);
    sock.disconnect();
    const out = { minutes: MINUTES, scale: SCALE, vehicles: db.net.vehicles.length, driver: sim ? 'simulator' : 'position-stream', start, end, rss_growth_pct: +(((end.rss_mb - start.rss_mb) / start.rss_mb) * 100).toFixed(1) };
    console.log(JSON.stringify(out, null, 2));
    log(`wrote ${writeResult('soak.json', out)}`);
  } finally {
    stop.done = true;
    sim?.kill('SIGTERM');
    await hub.stop();
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
