import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { benchDb, type HubProcess, procStats, startHubProcess, writeResult } from './bench-env';
import { PositionStream } from './position-stream';

/**
 * npm run bench:fanout — N wallboard clients (a separate process) joined to rooms while 20,000 vehicles report at
 * 1 Hz: frames delivered per second, p50/p99 freshness (position time → shown), hub CPU and memory, for each N.
 * Clients are spread as a command center's screens are: a few on the national map (hq), more on regions, most on
 * sites and floors. Env: KJ_BENCH_CLIENTS (default "100,1000,2000"), KJ_BENCH_SECONDS (default 30), KJ_BENCH_RATE.
 */
const COUNTS = (process.env.KJ_BENCH_CLIENTS ?? '100,1000,2000').split(',').map(Number);
const SECONDS = Number(process.env.KJ_BENCH_SECONDS ?? 30);
/** Positions per second (KJ_BENCH_RATE): 20,000 is the fleet of the target; lower rates isolate the fan-out's own cost. */
const RATE = Number(process.env.KJ_BENCH_RATE ?? 20_000);

function log(m: string) {
  process.stderr.write(`[bench:fanout] ${m}\n`);
}

function roomsFor(n: number, net: Awaited<ReturnType<typeof benchDb>>['net']): string[] {
  const hubs = net.sites.filter((s) => s.kind === 'hub');
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = i % 50;
    if (r === 0) out.push('hq');
    else if (r < 6) out.push(`region:${net.regions[i % net.regions.length]!.id}`);
    else if (r < 30) out.push(`site:${hubs[i % hubs.length]!.id}`);
    else out.push(`floor:${net.floors[i % net.floors.length]!.id}`);
  }
  return out;
}

/** What the hub did with the offered positions: stored, or refused (a 503 when its ingest buffer is full; a device would retry). */
interface Offered {
  stored: number;
  refused: number;
}

async function drive(hub: HubProcess, token: string, stream: PositionStream, stop: { done: boolean }, counts: Offered) {
  const perTick = RATE / 20;
  while (!stop.done) {
    const t0 = Date.now();
    const body = JSON.stringify(stream.next(perTick, Date.now()));
    void fetch(`${hub.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body })
      .then(async (r) => {
        if (r.status === 200) counts.stored += ((await r.json()) as { accepted: number }).accepted;
        else {
          counts.refused += perTick;
          await r.text();
        }
      })
      .catch(() => (counts.refused += perTick));
    await new Promise((r) => setTimeout(r, Math.max(0, 50 - (Date.now() - t0))));
  }
}

async function main() {
  const db = await benchDb(67);
  const results: Record<string, unknown>[] = [];
  try {
    for (const n of COUNTS) {
      const hub = await startHubProcess(db.url);
      const stop = { done: false };
      try {
        const login = await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-hq', password: 'bench' }) });
        const { token } = (await login.json()) as { token: string };
        const counts: Offered = { stored: 0, refused: 0 };
        const driving = drive(hub, db.token, new PositionStream(db.net, Date.now()), stop, counts);
        const child = spawn(process.execPath, [join(__dirname, 'fanout-clients.js'), hub.url, token, roomsFor(n, db.net).join(','), String(SECONDS), '5'], { stdio: ['ignore', 'pipe', 'inherit'] });
        const lines = createInterface({ input: child.stdout! });
        let cpu0 = procStats(hub.pid);
        let t0 = Date.now();
        let offered0 = { ...counts };
        let report: Record<string, number> | null = null;
        for await (const line of lines) {
          const msg = JSON.parse(line) as Record<string, number>;
          if (msg.ready) {
            await new Promise((r) => setTimeout(r, 5000));
            cpu0 = procStats(hub.pid);
            t0 = Date.now();
            offered0 = { ...counts };
          }
          if (msg.done) {
            report = msg;
            break;
          }
        }
        const cpu1 = procStats(hub.pid);
        const el = (Date.now() - t0) / 1000;
        const row = {
          clients: n,
          joined: report?.joined ?? 0,
          join_s: report?.joinS ?? null,
          frames_per_s: Math.round(report?.framesPerS ?? 0),
          freshness_p50_ms: report?.p50 ?? null,
          freshness_p99_ms: report?.p99 ?? null,
          seq_gaps: report?.gaps ?? null,
          positions_stored_per_s: Math.round((counts.stored - offered0.stored) / el),
          positions_refused_per_s: Math.round((counts.refused - offered0.refused) / el),
          hub_cpu_pct: Math.round(((cpu1.cpuS - cpu0.cpuS) / el) * 100),
          hub_rss_mb: Math.round(cpu1.rssMb),
          clients_cpu_pct: report?.clientCpuPct ?? null,
        };
        log(JSON.stringify(row));
        results.push(row);
        stop.done = true;
        await driving;
      } finally {
        stop.done = true;
        await hub.stop();
      }
    }
    const last = results[results.length - 1]!;
    const out = { clients: last.clients, freshness_p99_ms: last.freshness_p99_ms, hub_rss_mb: last.hub_rss_mb, positions_per_s: RATE, vehicles: db.net.vehicles.length, runs: results };
    console.log(JSON.stringify(out, null, 2));
    log(`wrote ${writeResult('fanout.json', out)}`);
  } finally {
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
