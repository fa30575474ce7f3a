/**
 * Chooses the judges' thresholds on validation sets, and says how well that choice carries to clips it was not
 * made on. The boxes come from eval runs with `--dets-cache` (the detector's, or the renderer's with
 * `--gt-boxes --dets-cache`), replayed without video; each cache directory is one box source, and the
 * objective averages throw and kick F1 over the sources, so no threshold is fitted to one way of boxing.
 *
 *   node dist/eval/tune.main.js <dataset-dir>... --source <name>=<cache-dir>[@weight]... [--folds 5|sets] [--passes 2]
 *        [--params key,...]    (search only these thresholds)  [--threads 2]
 *        [--at key=value,...]   (start point; with --score-only, just score it)
 *        [--model <throw-motion.json>[@threshold]]   (the throw classifier decides, as in the worker)
 *
 * It prints the default thresholds' scores, the k-fold cross-validated scores of the tuning (each fold's clips
 * scored with thresholds chosen on the other folds), and the thresholds chosen on all clips. Never give it the
 * held-out set: that stays a single measurement of whatever this chooses.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { MotionClassifier } from '../judge/motion-classifier';
import { loadDataset } from './dataset';
import { loadReplay, replayClip, type ReplayClip } from './replay';
import { matchClip, score, spanOf, type ClipMatch } from './scoring';
import { coordinateDescent, DEFAULT_POINT, folds, GRID, objective, parsePoint, pointKey, toTuning, type Point } from './tune';

interface Args {
  datasets: string[];
  sources: { name: string; dir: string; weight: number }[];
  /** k folds by a fixed shuffle of the clips, or 0: one fold per dataset directory (tune on the others). */
  folds: number;
  passes: number;
  at: Point;
  scoreOnly: boolean;
  /** The thresholds searched (default: every one in GRID). */
  params: string[];
  threads: number;
  out?: string;
  model?: { path: string; threshold?: number };
}

function parseArgs(argv: string[]): Args {
  const a: Args = { datasets: [], sources: [], folds: 5, passes: 2, at: { ...DEFAULT_POINT }, scoreOnly: false, params: Object.keys(GRID), threads: 2 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--source') {
      const m = /^([^=]+)=([^@]+)(?:@([0-9.]+))?$/.exec(argv[++i] ?? '');
      if (!m || !(Number(m[3] ?? 1) > 0)) throw new Error('--source takes <name>=<cache-dir>[@weight]');
      a.sources.push({ name: m[1], dir: resolve(m[2]), weight: Number(m[3] ?? 1) });
    } else if (v === '--folds') {
      const f = argv[++i];
      a.folds = f === 'sets' ? 0 : Number(f);
    } else if (v === '--passes') a.passes = Number(argv[++i]);
    else if (v === '--threads') a.threads = Math.max(1, Math.floor(Number(argv[++i])) || 1);
    else if (v === '--score-only') a.scoreOnly = true;
    else if (v === '--out') a.out = resolve(argv[++i]);
    else if (v === '--model') {
      const m = /^([^@]+)(?:@([0-9.]+))?$/.exec(argv[++i] ?? '');
      if (!m) throw new Error('--model takes <path>[@threshold]');
      a.model = { path: resolve(m[1]), threshold: m[2] === undefined ? undefined : Number(m[2]) };
    }
    else if (v === '--params') {
      a.params = (argv[++i] ?? '').split(',').filter(Boolean);
      const unknown = a.params.filter((p) => !(p in GRID));
      if (unknown.length || !a.params.length) throw new Error(`--params: ${unknown.join(', ') || '(none)'} not searchable (searchable: ${Object.keys(GRID).join(', ')})`);
    }
    else if (v === '--at') a.at = parsePoint(argv[++i] ?? '', a.at);
    else if (v.startsWith('--')) throw new Error(`unknown option ${v} (known: --source, --folds, --passes, --params, --threads, --at, --score-only, --out, --model)`);
    else a.datasets.push(resolve(v));
  }
  if (!a.datasets.length || !a.sources.length) throw new Error('usage: tune <dataset-dir>... --source <name>=<cache-dir>...');
  if (!(a.folds >= 2) && !(a.folds === 0 && a.datasets.length >= 2)) throw new Error('--folds takes a number ≥ 2, or "sets" with two or more dataset directories');
  return a;
}

const fmt = (m: ClipMatch[]) => {
  const t = score('throw', m);
  const k = score('kick', m);
  return `throw ${t.f1.toFixed(2)} (${t.tp}/${t.fp}/${t.fn})  kick ${k.f1.toFixed(2)} (${k.tp}/${k.fp}/${k.fn})`;
};

const changes = (p: Point) =>
  Object.keys(p)
    .filter((k) => p[k] !== DEFAULT_POINT[k])
    .map((k) => `${k}=${p[k]}`)
    .join(', ') || '(the defaults)';

interface Job {
  source: string;
  name: string;
}

async function loadAll(datasets: readonly string[], sources: readonly { name: string; dir: string }[]) {
  const replays = new Map<string, Map<string, ReplayClip>>();
  for (const s of sources) {
    const m = new Map<string, ReplayClip>();
    for (const d of datasets) for (const c of await loadReplay(d, s.dir)) m.set(c.name, c);
    replays.set(s.name, m);
  }
  return replays;
}

/** A replay worker: one per core, each with every clip loaded, judging the clips it is sent at a given point. */
async function workerMain() {
  const { datasets, sources, model: m } = workerData as { datasets: string[]; sources: Args['sources']; model?: Args['model'] };
  const replays = await loadAll(datasets, sources);
  const model = m ? MotionClassifier.load(m.path, m.threshold) : undefined;
  parentPort!.on('message', (msg: { id: number; jobs: Job[]; point: Point }) => {
    void (async () => {
      const tuning = toTuning(msg.point);
      const matches: ClipMatch[] = [];
      for (const j of msg.jobs) {
        const clip = replays.get(j.source)!.get(j.name)!;
        matches.push(matchClip(clip.labels, (await replayClip(clip, tuning, undefined, { model })).map(spanOf)));
      }
      parentPort!.postMessage({ id: msg.id, matches });
    })();
  });
  parentPort!.postMessage({ ready: true });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const replays = await loadAll(args.datasets, args.sources);
  const names = [...replays.values().next().value!.keys()].sort();
  const setOf = new Map<string, string>();
  for (const d of args.datasets) for (const c of loadDataset(d)) setOf.set(c.name, d);
  console.log(`${names.length} clips × ${args.sources.length} sources (${args.sources.map((s) => `${s.name} ×${s.weight}`).join(', ')}), ${args.threads} threads`);
  const workers = await Promise.all(
    Array.from({ length: args.threads }, () => {
      const w = new Worker(__filename, { workerData: { datasets: args.datasets, sources: args.sources, model: args.model } });
      return new Promise<Worker>((ok, fail) => {
        w.once('error', fail);
        w.once('message', () => ok(w));
      });
    }),
  );
  let nextId = 0;
  const run = (w: Worker, jobs: Job[], point: Point) =>
    new Promise<ClipMatch[]>((ok) => {
      const id = nextId++;
      const on = (m: { id: number; matches: ClipMatch[] }) => {
        if (m.id !== id) return;
        w.off('message', on);
        ok(m.matches);
      };
      w.on('message', on);
      w.postMessage({ id, jobs, point });
    });
  const weights = args.sources.map((s) => s.weight);
  const memo = new Map<string, ClipMatch>();
  let evaluations = 0;
  const evaluate = async (p: Point, clips: readonly string[]) => {
    evaluations++;
    const key = pointKey(p);
    const k = (j: Job) => `${j.source}|${j.name}|${key}`;
    const missing = args.sources.flatMap((s) => clips.map((name) => ({ source: s.name, name }))).filter((j) => !memo.has(k(j)));
    // round-robin, so slow clips spread over the workers
    const parts = workers.map((_, i) => missing.filter((_, j) => j % workers.length === i));
    const results = await Promise.all(parts.map((jobs, i) => (jobs.length ? run(workers[i], jobs, p) : Promise.resolve([]))));
    parts.forEach((jobs, i) => jobs.forEach((j, n) => memo.set(k(j), results[i][n])));
    return args.sources.map((s) => clips.map((name) => memo.get(k({ source: s.name, name }))!));
  };
  const report = (label: string, bySource: ClipMatch[][]) => {
    console.log(`${label}: objective ${objective(bySource, weights).toFixed(3)}`);
    args.sources.forEach((s, i) => console.log(`  ${s.name.padEnd(10)} ${fmt(bySource[i])}`));
  };
  const t0 = Date.now();
  const start = await evaluate(args.at, names);
  report(`start (${changes(args.at)}), all clips`, start);
  if (args.scoreOnly) return;

  const grid = Object.fromEntries(args.params.map((p) => [p, GRID[p]]));
  const split = args.folds ? folds(names, args.folds) : args.datasets.map((d) => names.filter((n) => setOf.get(n) === d));
  const cv: ClipMatch[][] = args.sources.map(() => []);
  const chosen: Point[] = [];
  for (let i = 0; i < split.length; i++) {
    const train = split.filter((_, j) => j !== i).flat();
    const { point } = await coordinateDescent(evaluate, train, args.at, grid, args.passes, weights);
    chosen.push(point);
    const test = await evaluate(point, split[i]);
    test.forEach((m, si) => cv[si].push(...m));
    console.log(`fold ${i + 1}/${split.length} (${split[i].length} clips): ${changes(point)}  [${((Date.now() - t0) / 1000).toFixed(0)} s, ${evaluations} evaluations]`);
  }
  report(`cross-validated (${args.folds ? `${args.folds} folds` : 'one fold per set'}: each clip scored with thresholds chosen without it)`, cv);
  const all = await coordinateDescent(evaluate, names, args.at, grid, args.passes, weights);
  report(`chosen on all clips (${changes(all.point)}), in-sample`, await evaluate(all.point, names));
  console.log(`${evaluations} evaluations, ${memo.size} clip replays, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (args.out) {
    const summary = (m: ClipMatch[][]) => Object.fromEntries(args.sources.map((s, i) => [s.name, { throw: score('throw', m[i]), kick: score('kick', m[i]) }]));
    writeFileSync(
      args.out,
      JSON.stringify({ clips: names.length, sources: args.sources.map((s) => s.name), start: { point: args.at, scores: summary(start) }, crossValidated: summary(cv), folds: chosen, chosen: all.point }, null, 2) + '\n',
    );
  }
}

// a worker stays up, answering the main thread, until the main thread exits
(isMainThread ? main() : workerMain()).then(
  () => isMainThread && process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
