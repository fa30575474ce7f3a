import { decodePositionsFrame, encodePositionsFrame, type PositionTuple, readPositionsFrame } from '@kanjian/shared';
import { buildReferenceNetwork } from '../network/reference-network';
import { positionTuple } from '../realtime/room-router';
import { percentile, writeResult } from './bench-env';
import { PositionStream } from './position-stream';

/**
 * npm run bench:frames — what one national-map frame (the whole fleet, 20,100 vehicles) costs in each format: its
 * size, the hub's encode, and the screen's decode + apply (every position written into typed arrays, as the
 * wallboard's vehicle store does). Same engine as the browser (V8), no network: the format's own cost.
 * Env: KJ_BENCH_ROUNDS (default 60).
 */
const ROUNDS = Number(process.env.KJ_BENCH_ROUNDS ?? 60);

/** The screen side: a store of typed arrays indexed by vehicle, as `VehicleStore` keeps them. */
class Store {
  private index = new Map<string, number>();
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  readonly at: Float64Array;
  constructor(n: number) {
    this.lat = new Float64Array(n);
    this.lon = new Float64Array(n);
    this.at = new Float64Array(n);
  }
  set(id: string, lat: number, lon: number, at: number) {
    let i = this.index.get(id);
    if (i === undefined) this.index.set(id, (i = this.index.size));
    this.lat[i] = lat;
    this.lon[i] = lon;
    this.at[i] = at;
  }
}

function time(fn: () => void): number[] {
  const out: number[] = [];
  for (let r = 0; r < ROUNDS + 5; r++) {
    const t0 = performance.now();
    fn();
    // The first rounds warm the JIT up; a screen decodes a frame a second for days.
    if (r >= 5) out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

function main() {
  const net = buildReferenceNetwork({ seed: 42, scale: 67 });
  const stream = new PositionStream(net, Date.now());
  const tuples: PositionTuple[] = stream.next(net.vehicles.length, Date.now()).map((e) => positionTuple(e as Parameters<typeof positionTuple>[0]));
  const store = new Store(tuples.length);
  const msg = (data: unknown) => ({ v: 1, room: 'hq', seq: 1, sentAt: Date.now(), kind: 'positions', data });

  let json = '';
  let bin: Uint8Array = new Uint8Array();
  const jsonEncode = time(() => (json = JSON.stringify(msg(tuples))));
  const binEncode = time(() => (bin = encodePositionsFrame(tuples)));
  const jsonApply = time(() => {
    const d = JSON.parse(json) as { data: PositionTuple[] };
    for (const t of d.data) store.set(t[0], t[1], t[2], t[5]);
  });
  const binApply = time(() => readPositionsFrame(bin, (id, lat, lon, _s, _h, at) => store.set(id, lat, lon, at)));
  // Exactness at the hub's rounding: a screen must show what the hub took in.
  const back = decodePositionsFrame(bin);
  const exact = back.every((t, i) => JSON.stringify(t) === JSON.stringify(tuples[i]));

  const ms = (s: number[]) => ({ p50: +percentile(s, 50).toFixed(2), p95: +percentile(s, 95).toFixed(2) });
  const out = {
    vehicles: tuples.length,
    rounds: ROUNDS,
    json_bytes: Buffer.byteLength(json),
    binary_bytes: bin.byteLength,
    json_encode_ms: ms(jsonEncode),
    binary_encode_ms: ms(binEncode),
    json_decode_apply_ms: ms(jsonApply),
    binary_decode_apply_ms: ms(binApply),
    binary_round_trip_exact: exact,
  };
  console.log(JSON.stringify(out, null, 2));
  process.stderr.write(`[bench:frames] wrote ${writeResult('frames.json', out)}\n`);
  if (!exact) process.exit(1);
}

main();
