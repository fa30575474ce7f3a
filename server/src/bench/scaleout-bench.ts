import { benchDb, postBatches, procStats, startHubProcess, writeResult, type HubProcess } from './bench-env';
import { PositionStream } from './position-stream';

/**
 * npm run bench:scaleout — the same ingest load against one hub, then against two hub instances sharing Redis and
 * the database, requests spread round-robin by the load generator. Prints and writes bench/results/scaleout.json.
 * Env: KJ_BENCH_SECONDS (default 20).
 */
const SECONDS = Number(process.env.KJ_BENCH_SECONDS ?? 20);
const BATCH = 2000;
const IN_FLIGHT = 16;

function log(m: string) {
  process.stderr.write(`[bench:scaleout] ${m}\n`);
}

async function main() {
  const db = await benchDb(67);
  try {
    const stream = new PositionStream(db.net, Date.now() - 12 * 3600_000);
    const make = () => Array.from({ length: Math.ceil((SECONDS * 160_000) / BATCH) }, () => JSON.stringify(stream.next(BATCH)));
    const out: Record<string, unknown> = { vehicles: db.net.vehicles.length, batch_size: BATCH, requests_in_flight: IN_FLIGHT };
    for (const n of [1, 2]) {
      log(`preparing load for ${n} hub(s)`);
      const bodies = make();
      const hubs: HubProcess[] = [];
      for (let i = 0; i < n; i++) hubs.push(await startHubProcess(db.url, { KJ_REDIS_PREFIX: `kjscale${process.pid}` }));
      try {
        const cpu0 = hubs.map((h) => procStats(h.pid).cpuS);
        const t0 = Date.now();
        const r = await postBatches(hubs.map((h) => h.url), db.token, bodies, SECONDS, IN_FLIGHT);
        const el = (Date.now() - t0) / 1000;
        const cpu = hubs.map((h, i) => Math.round(((procStats(h.pid).cpuS - cpu0[i]!) / el) * 100));
        log(`${n} hub(s): ${Math.round(r.perS)} positions/s stored, hub CPU ${cpu.join(' + ')}%, failed requests ${r.failed}`);
        out[`hubs_${n}_positions_per_s`] = Math.round(r.perS);
        out[`hubs_${n}_cpu_pct`] = cpu;
      } finally {
        for (const h of hubs) await h.stop();
      }
    }
    out.speedup = +((out.hubs_2_positions_per_s as number) / (out.hubs_1_positions_per_s as number)).toFixed(2);
    console.log(JSON.stringify(out, null, 2));
    log(`wrote ${writeResult('scaleout.json', out)}`);
  } finally {
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
