/**
 * Diagnostic: each missed label and each false event of a replayed dataset, with what was staged around it and the
 * parcel tracks the judges had there (`tracksAround`), and for a missed label why its judge turned down each
 * settled motion there (`rejectionsAround`). It is how the failure patterns in docs/vision.md were read.
 *
 *   node dist/eval/misses.main.js <dataset-dir> <dets-cache-dir> [throw|kick] [<threshold>=<n>,...] [--model <throw-motion.json>[@threshold]]
 */
import { MotionClassifier } from '../judge/motion-classifier';
import { parcelTracks } from './fall-coverage';
import { rejectionsAround, tracksAround, type Rejection } from './misses';
import { loadReplay, replayClip } from './replay';
import { matchClip, spanOf, type EvalKind, type Span } from './scoring';
import { parsePoint, toTuning } from './tune';

async function main() {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--model');
  const [path, thr] = at >= 0 ? (argv.splice(at, 2)[1] ?? '').split('@') : [];
  if (at >= 0 && !path) throw new Error('--model takes <path>[@threshold]');
  const model = path ? MotionClassifier.load(path, thr === undefined ? undefined : Number(thr)) : undefined;
  const [dataset, cache, kindArg, spec = ''] = argv;
  if (!dataset || !cache) throw new Error('usage: misses.main.js <dataset-dir> <dets-cache-dir> [throw|kick] [<threshold>=<n>,...]');
  if (kindArg && kindArg !== 'throw' && kindArg !== 'kick') throw new Error(`kind must be throw or kick, not ${kindArg}`);
  const kinds: EvalKind[] = kindArg ? [kindArg as EvalKind] : ['throw', 'kick'];
  const tuning = toTuning(parsePoint(spec));
  const span = (s: Pick<Span, 'startFrame' | 'endFrame'> & { kind: string }) => `${s.kind} ${s.startFrame}-${s.endFrame}`;
  for (const c of await loadReplay(dataset, cache)) {
    const rejections: Record<EvalKind, Rejection[]> = { throw: [], kick: [] };
    const judged = await replayClip(c, tuning, (kind, trackId, from, to, reason) => rejections[kind].push({ trackId, from, to, reason }), { model });
    const { misses, falsePositives } = matchClip(c.labels, judged.map(spanOf));
    const staged = [...c.labels, ...c.negatives];
    const tracks = parcelTracks(c, tuning.tracker);
    const show = (what: string, s: Span) => {
      const near = staged.filter((x) => x.startFrame <= s.endFrame + 15 && s.startFrame - 15 <= x.endFrame && x !== s);
      console.log(`${c.name} ${what} ${span(s)}  staged nearby: ${near.map(span).join(', ') || '-'}  judged: ${judged.map((j) => `${j.kind} ${j.startFrame}-${j.endFrame}`).join(', ') || '-'}`);
      for (const t of tracksAround(s, tracks)) {
        console.log(`    ${t.id} frames ${t.first}-${t.last}, ${t.boxes} boxes in ${t.from}-${t.to}, ${t.downPx} px down${t.beginsMoving ? ', begins moving' : ''}`);
      }
      if (what !== 'MISSED') return;
      // the judge's own tracks (numbered apart from the ones above): why each settled motion here was no violation
      for (const r of rejectionsAround(s, rejections[s.kind])) console.log(`    not a ${s.kind}: ${r.trackId} frames ${r.from}-${r.to}: ${r.reason}`);
    };
    for (const m of misses.filter((x) => kinds.includes(x.kind))) show('MISSED', m);
    for (const f of falsePositives.filter((x) => kinds.includes(x.kind))) show('FALSE', f);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
