/**
 * Chooses the judges' thresholds on validation sets, and says how well that choice carries to clips it was not
 * made on. The boxes come from eval runs with `--dets-cache` (the detector's, or the renderer's with
 * `--gt-boxes --dets-cache`), replayed without video; each cache directory is one box source, and the
 * objective averages throw and kick F1 over the sources, so no threshold is fitted to one way of boxing.
 *
 *   node dist/eval/tune.main.js <dataset-dir>... --source <name>=<cache-dir>... [--folds 5] [--passes 2]
 *        [--params key,...]    (search only these thresholds)
 *        [--at key=value,...]   (start point; with --score-only, just score it)
 *
 * It prints the default thresholds' scores, the k-fold cross-validated scores of the tuning (each fold's clips
 * scored with thresholds chosen on the other folds), and the thresholds chosen on all clips. Never give it the
 * held-out set: that stays a single measurement of whatever this chooses.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadReplay, replayClip, type ReplayClip } from './replay';
import { matchClip, score, spanOf, type ClipMatch } from './scoring';
import { coordinateDescent, DEFAULT_POINT, folds, GRID, objective, pointKey, toTuning, type Point } from './tune';

interface Args {
  datasets: string[];
  sources: { name: string; dir: string }[];
  folds: number;
  passes: number;
  at: Point;
  scoreOnly: boolean;
  /** The thresholds searched (default: every one in GRID). */
  params: string[];
  out?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { datasets: [], sources: [], folds: 5, passes: 2, at: { ...DEFAULT_POINT }, scoreOnly: false, params: Object.keys(GRID) };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--source') {
      const [name, dir] = (argv[++i] ?? '').split('=');
      if (!name || !dir) throw new Error('--source takes <name>=<cache-dir>');
      a.sources.push({ name, dir: resolve(dir) });
    } else if (v === '--folds') a.folds = Number(argv[++i]);
    else if (v === '--passes') a.passes = Number(argv[++i]);
    else if (v === '--score-only') a.scoreOnly = true;
    else if (v === '--out') a.out = resolve(argv[++i]);
    else if (v === '--params') {
      a.params = (argv[++i] ?? '').split(',').filter(Boolean);
      const unknown = a.params.filter((p) => !(p in GRID));
      if (unknown.length || !a.params.length) throw new Error(`--params: ${unknown.join(', ') || '(none)'} not searchable (searchable: ${Object.keys(GRID).join(', ')})`);
    }
    else if (v === '--at') {
      for (const kv of (argv[++i] ?? '').split(',').filter(Boolean)) {
        const [k, val] = kv.split('=');
        if (!(k in DEFAULT_POINT) || !Number.isFinite(Number(val))) throw new Error(`--at: ${kv} is not <threshold>=<number> (thresholds: ${Object.keys(DEFAULT_POINT).join(', ')})`);
        a.at[k] = Number(val);
      }
    } else if (v.startsWith('--')) throw new Error(`unknown option ${v} (known: --source, --folds, --passes, --params, --at, --score-only, --out)`);
    else a.datasets.push(resolve(v));
  }
  if (!a.datasets.length || !a.sources.length) throw new Error('usage: tune <dataset-dir>... --source <name>=<cache-dir>...');
  if (!(a.folds >= 2)) throw new Error('--folds must be at least 2');
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

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const replays = new Map<string, Map<string, ReplayClip>>();
  for (const s of args.sources) {
    const m = new Map<string, ReplayClip>();
    for (const d of args.datasets) for (const c of await loadReplay(d, s.dir)) m.set(c.name, c);
    replays.set(s.name, m);
  }
  const names = [...replays.values().next().value!.keys()].sort();
  console.log(`${names.length} clips × ${args.sources.length} sources (${args.sources.map((s) => s.name).join(', ')})`);
  const memo = new Map<string, ClipMatch>();
  let evaluations = 0;
  const evaluate = async (p: Point, clips: readonly string[]) => {
    evaluations++;
    const key = pointKey(p);
    const tuning = toTuning(p);
    const out: ClipMatch[][] = [];
    for (const s of args.sources) {
      const matches: ClipMatch[] = [];
      for (const name of clips) {
        const k = `${s.name}|${name}|${key}`;
        let m = memo.get(k);
        if (!m) {
          const clip = replays.get(s.name)!.get(name)!;
          m = matchClip(clip.labels, (await replayClip(clip, tuning)).map(spanOf));
          memo.set(k, m);
        }
        matches.push(m);
      }
      out.push(matches);
    }
    return out;
  };
  const report = (label: string, bySource: ClipMatch[][]) => {
    console.log(`${label}: objective ${objective(bySource).toFixed(3)}`);
    args.sources.forEach((s, i) => console.log(`  ${s.name.padEnd(10)} ${fmt(bySource[i])}`));
  };
  const t0 = Date.now();
  const start = await evaluate(args.at, names);
  report(`start (${changes(args.at)}), all clips`, start);
  if (args.scoreOnly) return;

  const grid = Object.fromEntries(args.params.map((p) => [p, GRID[p]]));
  const split = folds(names, args.folds);
  const cv: ClipMatch[][] = args.sources.map(() => []);
  const chosen: Point[] = [];
  for (let i = 0; i < split.length; i++) {
    const train = split.filter((_, j) => j !== i).flat();
    const { point } = await coordinateDescent(evaluate, train, args.at, grid, args.passes);
    chosen.push(point);
    const test = await evaluate(point, split[i]);
    test.forEach((m, si) => cv[si].push(...m));
    console.log(`fold ${i + 1}/${split.length} (${split[i].length} clips): ${changes(point)}  [${((Date.now() - t0) / 1000).toFixed(0)} s, ${evaluations} evaluations]`);
  }
  report(`cross-validated (${args.folds} folds: each clip scored with thresholds chosen without it)`, cv);
  const all = await coordinateDescent(evaluate, names, args.at, grid, args.passes);
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

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
