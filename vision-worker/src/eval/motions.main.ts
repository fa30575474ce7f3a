/**
 * Writes the throw classifier's training rows: every settled parcel motion the throw judge looks at in replayed
 * clips (eval runs with `--dets-cache`), with its features and whether it is a labelled throw (its span overlaps
 * the label's by 3 frames or more and, where the label says where its parcel was, the track is that parcel). `training/train_motion.py`
 * reads them.
 *
 *   node dist/eval/motions.main.js <dataset-dir>=<cache-dir>... --out rows.jsonl [--at <threshold>=<n>,...]
 *
 * `--at` replays with thresholds other than the shipped ones (those of `tune --at`, e.g. the tracker's): the
 * rows must come from the tracker and judges the model will run behind.
 */
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { MotionRecord } from '../judge/judgement';
import { MOTION_FEATURES } from '../judge/motion-features';
import { loadReplay, replayClip } from './replay';
import { parsePoint, toTuning } from './tune';

/** How far (processing pixels) a tracked box centre may be from the labelled parcel's centre. */
const NEAR_PX = 40;

interface Act {
  kind: string;
  startFrame: number;
  endFrame: number;
  parcelPath?: [number, number][];
}

async function main() {
  const sets: [string, string][] = [];
  let out: string | undefined;
  let at = '';
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = resolve(argv[++i]);
    else if (argv[i] === '--at') at = argv[++i] ?? '';
    else if (argv[i].includes('=')) {
      const [d, c] = argv[i].split('=');
      sets.push([resolve(d), resolve(c)]);
    } else throw new Error(`${argv[i]}: expected <dataset-dir>=<cache-dir>, --out <file> or --at <threshold>=<n>,...`);
  }
  if (!out || !sets.length) throw new Error('usage: motions.main.js <dataset-dir>=<cache-dir>... --out rows.jsonl [--at <threshold>=<n>,...]');
  const tuning = toTuning(parsePoint(at));
  const w = createWriteStream(out);
  w.write(JSON.stringify({ features: MOTION_FEATURES }) + '\n');
  let rows = 0;
  let positives = 0;
  for (const [dataset, cache] of sets) {
    for (const c of await loadReplay(dataset, cache)) {
      const motions: MotionRecord[] = [];
      await replayClip(c, tuning, undefined, { onMotion: (m) => motions.push(m) });
      // an act matches a motion it overlaps in time and, where the label says where its parcel was (parcelPath,
      // from the start frame on, in video pixels), whose parcel was there: not a belt parcel moving meanwhile
      const overlapping = (m: MotionRecord, s: Act, frames = 1) => {
        if (Math.min(s.endFrame, m.endFrame) - Math.max(s.startFrame, m.startFrame) + 1 < frames) return false;
        if (!s.parcelPath?.length) return true;
        return m.path.some(([f, u, v]) => {
          const p = s.parcelPath![f - s.startFrame];
          return p !== undefined && Math.hypot(p[0] * c.scale - u, p[1] * c.scale - v) <= NEAR_PX;
        });
      };
      for (const m of motions) {
        const acts = c.labels as Act[];
        // 1: the motion holds a throw's fall (3 frames of it or more); -1: it only touches one (a carry ending at the
        // release): matched if reported, but not what a throw looks like, so left out of training
        const label = acts.some((l) => l.kind === 'throw' && overlapping(m, l, 3)) ? 1 : acts.some((l) => l.kind === 'throw' && overlapping(m, l)) ? -1 : 0;
        const negative = (c.negatives as Act[]).find((n) => overlapping(m, n))?.kind ?? null;
        const kick = acts.some((l) => l.kind === 'kick' && overlapping(m, l));
        w.write(JSON.stringify({ clip: `${dataset}/${c.name}`, trackId: m.trackId, startFrame: m.startFrame, endFrame: m.endFrame, label, kick, negative, geometric: m.geometric, x: m.features }) + '\n');
        rows++;
        positives += label === 1 ? 1 : 0;
      }
    }
  }
  await new Promise<void>((ok) => w.end(ok));
  console.log(`${rows} motions (${positives} overlapping a throw) → ${out}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
