import { loadavg } from 'node:os';
import { benchDb, postBatches, procStats, startHubProcess, writeResult } from '../bench/bench-env';
import { PositionStream } from '../bench/position-stream';

/**
 * The cost of the rules on ingest: positions/s stored with KJ_RULES_ENABLED on and off, in one run, against one
 * database, in alternating rounds (off, on, on, off …: an ABBA order cancels the drift of a growing table and of a
 * shared machine's load), each a fresh hub process driven over HTTP like the ingest benchmark (batches of 2,000,
 * six requests in flight). The median of each mode goes to bench/results/rules.json.
 *   node server/dist/rules/rules-bench.js   (env: KJ_BENCH_SCALE=67, KJ_BENCH_ROUND_S=10, KJ_BENCH_ABBA=1)
 */
const SCALE = Number(process.env.KJ_BENCH_SCALE ?? 67);
const ROUND_S = Number(process.env.KJ_BENCH_ROUND_S ?? 10);
const ABBA = Number(process.env.KJ_BENCH_ABBA ?? 1);
const BATCH = 2000;
const IN_FLIGHT = 6;

const log = (m: string) => process.stderr.write(`[bench:rules] ${m}\n`);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main() {
  log(`database with the reference network at scale ${SCALE}`);
  const db = await benchDb(SCALE);
  const order: boolean[] = [];
  for (let i = 0; i < ABBA; i++) order.push(false, true, true, false);
  const rounds: { rules: 'on' | 'off'; positions_per_s: number; hub_cpu_pct: number; failed: number }[] = [];
  const load0 = loadavg()[0]!;
  try {
    // Live timestamps an hour back: late enough never to be in the future, recent enough for the live rules.
    const stream = new PositionStream(db.net, Date.now() - 3600_000);
    for (const on of order) {
      const bodies = Array.from({ length: Math.ceil((ROUND_S * 60_000) / BATCH) }, () => JSON.stringify(stream.next(BATCH)));
      const hub = await startHubProcess(db.url, { KJ_RULES_ENABLED: String(on) });
      try {
        await new Promise((r) => setTimeout(r, 1500));
        const c0 = procStats(hub.pid).cpuS;
        const s = await postBatches([hub.url], db.token, bodies, ROUND_S, IN_FLIGHT);
        const cpu = Math.round(((procStats(hub.pid).cpuS - c0) / s.elapsed) * 100);
        if (s.usedAll) log('warning: the round ran out of prepared batches');
        log(`rules ${on ? 'on ' : 'off'}: ${Math.round(s.perS)} positions/s (hub CPU ${cpu} %, failed ${s.failed})`);
        rounds.push({ rules: on ? 'on' : 'off', positions_per_s: Math.round(s.perS), hub_cpu_pct: cpu, failed: s.failed });
      } finally {
        await hub.stop();
      }
    }
  } finally {
    await db.drop();
  }
  const on = median(rounds.filter((r) => r.rules === 'on').map((r) => r.positions_per_s));
  const off = median(rounds.filter((r) => r.rules === 'off').map((r) => r.positions_per_s));
  const result = {
    positions_per_s_rules_on: Math.round(on),
    positions_per_s_rules_off: Math.round(off),
    cost: Math.round((1 - on / off) * 1000) / 1000,
    target_cost_max: 0.3,
    method: `median of ${order.length / 2} rounds per mode, order ${order.map((o) => (o ? 'on' : 'off')).join(',')}, ${ROUND_S}s each, batches of ${BATCH}, ${IN_FLIGHT} in flight`,
    vehicles: db.net.vehicles.length,
    load_average_1m_at_start: Math.round(load0 * 100) / 100,
    rounds,
  };
  console.log(JSON.stringify(result, null, 2));
  log(`wrote ${writeResult('rules.json', result)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
