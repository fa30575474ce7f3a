/**
 * Diagnostic: how much of each labelled throw's fall one parcel track follows, with the detector's boxes,
 * against the renderer's (both cached by `eval -- <set> --dets-cache`, the second with `--gt-boxes`), and whether
 * the judges found that throw. It tells "the detector and tracker never followed the fall" from "the judge turned
 * a followed fall down", in seconds. For each fall it also gives the share of its frames the detector boxed at all
 * (at the score that starts a track, and at any cached score) and the longest run without a box: it tells "the
 * tracker lost a boxed fall" from "the detector never boxed it".
 *
 *   node dist/eval/fall-coverage.main.js <dataset-dir> <dets-cache-dir> <gt-cache-dir> [<threshold>=<n>,...]
 *
 * The thresholds are those of `tune --at` (`tracker.lowMaxCost=-1`, `throw.landedTolPx=4`, …).
 */
import { DEFAULT_TRACKER } from '../track/tracker';
import { quantile } from './box-error';
import { boxedFall, followedShare, parcelTracks, referenceFall } from './fall-coverage';
import { loadReplay, replayClip } from './replay';
import { matchClip, spanOf } from './scoring';
import { parsePoint, toTuning } from './tune';

const FOLLOWED = 0.8;

async function main() {
  const [dataset, detsCache, gtCache, spec = ''] = process.argv.slice(2);
  if (!dataset || !detsCache || !gtCache) throw new Error('usage: fall-coverage.main.js <dataset-dir> <dets-cache-dir> <gt-cache-dir> [<threshold>=<n>,...]');
  const tuning = toTuning(parsePoint(spec));
  const reference = new Map((await loadReplay(dataset, gtCache)).map((c) => [c.name, c]));
  type Boxed = ReturnType<typeof boxedFall>;
  // strong/any: undefined where no renderer track goes down the image in the label's span
  const rows: { clip: string; frame: number; share: number; found: boolean; strong?: Boxed; any?: Boxed }[] = [];
  for (const c of await loadReplay(dataset, detsCache)) {
    const ref = reference.get(c.name);
    if (!ref) continue;
    const tracks = parcelTracks(c, tuning.tracker);
    const refTracks = parcelTracks(ref);
    const { matched } = matchClip(c.labels, (await replayClip(c, tuning)).map(spanOf));
    const byFrame = new Map(c.frames);
    for (const label of c.labels.filter((l) => l.kind === 'throw')) {
      const fall = referenceFall(label, refTracks);
      rows.push({
        clip: c.name,
        frame: label.startFrame,
        share: fall ? followedShare(fall, tracks) : 0,
        found: matched.some((m) => m.label === label),
        // boxes that can start or continue a track, and every box in the cache (down to its --conf)
        strong: fall && boxedFall(fall, byFrame, tuning.tracker?.startScore ?? DEFAULT_TRACKER.startScore),
        any: fall && boxedFall(fall, byFrame, 0),
      });
    }
  }
  if (!rows.length) throw new Error(`${dataset}: no labelled throws with both caches`);
  const v = rows.map((r) => r.share).sort((x, y) => x - y);
  const q = (p: number) => v[Math.floor(p * (v.length - 1))].toFixed(2);
  const followed = rows.filter((r) => r.share >= FOLLOWED);
  const rest = rows.filter((r) => r.share < FOLLOWED);
  const found = (rs: typeof rows) => rs.filter((r) => r.found).length;
  const boxedLine = (label: string, b: (r: (typeof rows)[number]) => Boxed | undefined) => {
    const seen = rows.map(b).filter((x): x is Boxed => !!x);
    const s = seen.map((x) => x.share).sort((x, y) => x - y);
    const gaps = seen.map((x) => x.longestGap);
    return (
      `boxed by ${label} (${seen.length} falls the renderer's tracks hold): median share ${quantile(s, 0.5).toFixed(2)}, p25 ${quantile(s, 0.25).toFixed(2)}; ` +
      `on every frame ${s.filter((x) => x === 1).length}, never ${s.filter((x) => x === 0).length}; a gap of 4+ frames ${gaps.filter((g) => g >= 4).length}, of 8+ ${gaps.filter((g) => g >= 8).length}`
    );
  };
  console.log(
    rows
      .map((r) => {
        const boxed = (b?: Boxed) => (b ? `${b.share.toFixed(2)} (gap ${b.longestGap})` : '-');
        return `${r.clip}@${r.frame} ${r.share.toFixed(2)} ${r.found ? 'found' : 'missed'}  boxed ${boxed(r.strong)}, any score ${boxed(r.any)}`;
      })
      .join('\n'),
  );
  console.log(
    `${rows.length} throws: share of the fall one track follows p10 ${q(0.1)}, p25 ${q(0.25)}, median ${q(0.5)}; under 0.5: ${v.filter((x) => x < 0.5).length}\n` +
      `followed at least ${FOLLOWED}: ${followed.length}, of them found ${found(followed)}; followed less: ${rest.length}, of them found ${found(rest)}\n` +
      `${boxedLine('boxes that start tracks', (r) => r.strong)}\n${boxedLine('any cached box', (r) => r.any)}`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
