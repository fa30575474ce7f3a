import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../core/time';

export interface CliOptions {
  hub: string | null;
  token: string | null;
  seed: number;
  scale: number;
  speed: number;
  duration: number | null;
  start: number | null;
  volume: number;
  evidence: 'upload' | 'none';
  format: 'ndjson' | 'json';
  batch: number;
  concurrency: number;
  state: string | null;
  truth: string | null;
  network: string | null;
  out: string | null;
  maxCatchupMs: number;
  logEveryMs: number;
  /** Wall ms between fetches of the hub's network (new trips); null: never. */
  refreshNetworkMs: number | null;
  positions: boolean;
  heartbeats: boolean;
  storyline: boolean;
  prelude: boolean;
  drain: 'flush' | 'wait';
  fresh: boolean;
  printRates: boolean;
  help: boolean;
}

export const USAGE = `kanjian simulator — drives a Kanjian hub through its public feeds like a real express network.

  node simulator/dist/main.js --hub http://127.0.0.1:3000 --token <feed token> [options]

  --hub URL            the hub (GET /api/v1/network, POST /api/v1/events, POST /api/v1/evidence)
  --token T            a service feed token covering the whole network (or env KJ_SIM_TOKEN)
  --seed N             same seed, same network behaviour, same event ids (default 42)
  --scale X            drive ⌈300 × X⌉ vehicles of the network (default 1)
  --speed X            simulated seconds per real second (default 1: real time)
  --duration D         stop after this much simulated time (90s, 10m, 2h, 1d); default: run until stopped
  --start T            simulated start (ISO time, or "now"); default: resume from the state file, else now
  --volume X           parcel volume multiplier on top of the season (双十一 is automatic; default 1)
  --evidence M         upload | none: generate and upload PNG evidence, or send sim: references (default upload)
  --format F           ndjson | json request bodies (default ndjson)
  --batch N            events per request (default 5000)
  --concurrency N      requests in flight (default 2)
  --state PATH         checkpoint file for clean restarts (default <tmp>/kanjian-sim/<hub>-seed<seed>.state.json)
  --truth PATH         ground-truth log, NDJSON (default beside the state file)
  --network FILE       use this network JSON instead of GET /api/v1/network
  --out FILE           offline: write the events as NDJSON (with deliverAt) instead of posting; needs --network
  --max-catchup D      after a restart in real time, replay a gap up to this long (default 10m), else skip it
  --log-every D        progress and rates log interval, wall time (default 10s)
  --refresh-network D  fetch the hub's network again this often, wall time, and at each new service day, to run
                       the trips loaded since (default 10m; off: never)
  --no-positions       no 1 Hz truck positions (trips still depart, arrive and break down)
  --no-heartbeats      no camera heartbeats (cameras still see violations; S4 is then raised for all of them)
  --no-prelude         on a fresh start, do not first upload the history the hub needs (parcels already out
                       for delivery with their calls and consents, trucks under way, open complaints)
  --drain M            at the end of --duration: flush (send late uploads still waiting at once; default) or
                       wait (keep the clock running until the last one is due, up to 46 min simulated)
  --fresh              ignore the state file and start afresh
  --storyline          on a fresh start, make each rare lapse happen once in the first minutes (a truck's signal
                       loss, a truck back in reach back-filling a jam and a reefer fault, a camera going offline,
                       a pickup without a photo, a burst of complaints at a station); see docs/simulator.md
  --print-rates        print the calibrated rates as a Markdown table and exit
  --help
`;

function num(name: string, v: string | undefined, def: number, check: (n: number) => boolean, what: string): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`--${name} must be ${what}, got "${v}"`);
  return n;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      hub: { type: 'string' },
      token: { type: 'string' },
      seed: { type: 'string' },
      scale: { type: 'string' },
      speed: { type: 'string' },
      duration: { type: 'string' },
      start: { type: 'string' },
      volume: { type: 'string' },
      evidence: { type: 'string' },
      format: { type: 'string' },
      batch: { type: 'string' },
      concurrency: { type: 'string' },
      state: { type: 'string' },
      truth: { type: 'string' },
      network: { type: 'string' },
      out: { type: 'string' },
      'max-catchup': { type: 'string' },
      'log-every': { type: 'string' },
      'refresh-network': { type: 'string' },
      'no-positions': { type: 'boolean' },
      'no-heartbeats': { type: 'boolean' },
      'no-prelude': { type: 'boolean' },
      drain: { type: 'string' },
      fresh: { type: 'boolean' },
      storyline: { type: 'boolean' },
      'print-rates': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  const seed = num('seed', values.seed, 42, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer');
  const hub = values.hub ?? null;
  const out = values.out ?? null;
  const printRates = values['print-rates'] ?? false;
  const help = values.help ?? false;
  if (!printRates && !help) {
    if (!out && !hub) throw new Error('--hub is required (or --out FILE with --network FILE to generate offline)');
    if (out && !values.network) throw new Error('--out needs --network FILE (offline generation has no hub to fetch the network from)');
  }
  const token = values.token ?? env.KJ_SIM_TOKEN ?? null;
  if (hub && !out && !token && !printRates && !help) throw new Error('--token (or env KJ_SIM_TOKEN) is required to talk to the hub');
  const evidence = values.evidence ?? (out ? 'none' : 'upload');
  if (evidence !== 'upload' && evidence !== 'none') throw new Error(`--evidence must be upload or none, got "${evidence}"`);
  const format = values.format ?? 'ndjson';
  if (format !== 'ndjson' && format !== 'json') throw new Error(`--format must be ndjson or json, got "${format}"`);
  const drain = values.drain ?? 'flush';
  if (drain !== 'flush' && drain !== 'wait') throw new Error(`--drain must be flush or wait, got "${drain}"`);
  let start: number | null = null;
  if (values.start !== undefined && values.start !== 'now') {
    start = Date.parse(values.start);
    if (!Number.isFinite(start) || !/\d{4}-\d{2}-\d{2}T/.test(values.start)) throw new Error(`--start must be an ISO time such as 2024-11-11T08:00:00+08:00, or "now", got "${values.start}"`);
  } else if (values.start === 'now') start = Date.now();
  const refresh = values['refresh-network'];
  if (refresh !== undefined && (values.network || out)) throw new Error('--refresh-network needs the hub\'s network: it cannot be combined with --network or --out');
  const refreshNetworkMs = values.network || out || refresh === 'off' ? null : refresh !== undefined ? parseDuration(refresh) : 10 * 60_000;
  if (refreshNetworkMs !== null && refreshNetworkMs < 1000) throw new Error(`--refresh-network must be at least 1s, or off, got "${refresh}"`);
  const hubKey = (hub ?? 'offline').replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9.-]+/g, '_');
  const dir = join(tmpdir(), 'kanjian-sim');
  const state = out ? null : (values.state ?? join(dir, `${hubKey}-seed${seed}.state.json`));
  return {
    hub,
    token,
    seed,
    scale: num('scale', values.scale, 1, (n) => n > 0 && n <= 1000, 'a number above 0 (at most 1000)'),
    speed: num('speed', values.speed, 1, (n) => n > 0 && n <= 100_000, 'a number above 0'),
    duration: values.duration !== undefined ? parseDuration(values.duration) : null,
    start,
    volume: num('volume', values.volume, 1, (n) => n > 0 && n <= 100, 'a number above 0'),
    evidence,
    format,
    batch: num('batch', values.batch, 5000, (n) => Number.isInteger(n) && n >= 1 && n <= 20_000, 'an integer from 1 to 20000 (the hub takes at most 20,000 items a request)'),
    concurrency: num('concurrency', values.concurrency, 2, (n) => Number.isInteger(n) && n >= 1 && n <= 64, 'an integer from 1 to 64'),
    state,
    truth: values.truth ?? (state ? state.replace(/\.state\.json$/, '.truth.ndjson') : out ? `${out}.truth.ndjson` : null),
    network: values.network ?? null,
    out,
    maxCatchupMs: values['max-catchup'] !== undefined ? parseDuration(values['max-catchup']) : 10 * 60_000,
    logEveryMs: values['log-every'] !== undefined ? parseDuration(values['log-every']) : 10_000,
    refreshNetworkMs,
    positions: !(values['no-positions'] ?? false),
    heartbeats: !(values['no-heartbeats'] ?? false),
    prelude: !(values['no-prelude'] ?? false),
    drain,
    fresh: values.fresh ?? false,
    storyline: values.storyline ?? false,
    printRates,
    help,
  };
}
