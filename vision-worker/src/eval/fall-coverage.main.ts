/**
 * Diagnostic: how much of each labelled throw's fall one parcel track follows, with the detector's boxes,
 * against the renderer's (both cached by `eval -- <set> --dets-cache`, the second with `--gt-boxes`). It tells
 * "the detector and tracker never followed the fall" from "the judge turned a followed fall down", in seconds.
 *
 *   node dist/eval/fall-coverage.main.js <dataset-dir> <dets-cache-dir> <gt-cache-dir> [tracker.<option>=<n>,...]
 */
import { DEFAULT_TRACKER, type TrackerOptions } from '../track/tracker';
import { followedShare, parcelTracks, referenceFall } from './fall-coverage';
import { loadReplay } from './replay';

async function main() {
  const [dataset, detsCache, gtCache, opts = ''] = process.argv.slice(2);
  if (!dataset || !detsCache || !gtCache) throw new Error('usage: fall-coverage.main.js <dataset-dir> <dets-cache-dir> <gt-cache-dir> [tracker.<option>=<n>,...]');
  const options: Partial<TrackerOptions> = {};
  for (const kv of opts.split(',').filter(Boolean)) {
    const m = /^tracker\.(\w+)=(-?[0-9.]+)$/.exec(kv);
    if (!m || !(m[1] in DEFAULT_TRACKER)) throw new Error(`${kv}: not tracker.<option>=<number> (options: ${Object.keys(DEFAULT_TRACKER).join(', ')})`);
    options[m[1] as keyof TrackerOptions] = Number(m[2]);
  }
  const reference = new Map((await loadReplay(dataset, gtCache)).map((c) => [c.name, c]));
  const shares: { clip: string; frame: number; share: number }[] = [];
  for (const c of await loadReplay(dataset, detsCache)) {
    const ref = reference.get(c.name);
    if (!ref) continue;
    const tracks = parcelTracks(c, options);
    const refTracks = parcelTracks(ref);
    for (const label of c.labels.filter((l) => l.kind === 'throw')) {
      const fall = referenceFall(label, refTracks);
      shares.push({ clip: c.name, frame: label.startFrame, share: fall ? followedShare(fall, tracks) : 0 });
    }
  }
  if (!shares.length) throw new Error(`${dataset}: no labelled throws with both caches`);
  const v = shares.map((s) => s.share).sort((x, y) => x - y);
  const q = (p: number) => v[Math.floor(p * (v.length - 1))].toFixed(2);
  console.log(shares.map((s) => `${s.clip}@${s.frame} ${s.share.toFixed(2)}`).join('\n'));
  console.log(
    `${shares.length} throws: share of the fall one track follows p10 ${q(0.1)}, p25 ${q(0.25)}, median ${q(0.5)}; ` +
      `at least 0.8 of it: ${v.filter((x) => x >= 0.8).length}, under 0.5: ${v.filter((x) => x < 0.5).length}`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
