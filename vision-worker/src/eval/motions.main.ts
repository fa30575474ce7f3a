/**
 * Writes the throw classifier's training rows: every settled parcel motion the throw judge looks at in replayed
 * clips (eval runs with `--dets-cache`), with its features and whether reporting it as a throw would match a
 * labelled throw (its span overlaps one). `training/train_motion.py` reads them.
 *
 *   node dist/eval/motions.main.js <dataset-dir>=<cache-dir>... --out rows.jsonl
 */
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { MotionRecord } from '../judge/judgement';
import { MOTION_FEATURES } from '../judge/motion-features';
import { loadReplay, replayClip } from './replay';

async function main() {
  const sets: [string, string][] = [];
  let out: string | undefined;
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = resolve(argv[++i]);
    else if (argv[i].includes('=')) {
      const [d, c] = argv[i].split('=');
      sets.push([resolve(d), resolve(c)]);
    } else throw new Error(`${argv[i]}: expected <dataset-dir>=<cache-dir> or --out <file>`);
  }
  if (!out || !sets.length) throw new Error('usage: motions.main.js <dataset-dir>=<cache-dir>... --out rows.jsonl');
  const w = createWriteStream(out);
  w.write(JSON.stringify({ features: MOTION_FEATURES }) + '\n');
  let rows = 0;
  let positives = 0;
  for (const [dataset, cache] of sets) {
    for (const c of await loadReplay(dataset, cache)) {
      const motions: MotionRecord[] = [];
      await replayClip(c, undefined, undefined, { onMotion: (m) => motions.push(m) });
      const overlapping = (m: MotionRecord, s: { startFrame: number; endFrame: number }) => s.startFrame <= m.endFrame && m.startFrame <= s.endFrame;
      for (const m of motions) {
        const label = c.labels.some((l) => l.kind === 'throw' && overlapping(m, l)) ? 1 : 0;
        const negative = c.negatives.find((n) => overlapping(m, n))?.kind ?? null;
        const kick = c.labels.some((l) => l.kind === 'kick' && overlapping(m, l));
        w.write(JSON.stringify({ clip: `${dataset}/${c.name}`, trackId: m.trackId, startFrame: m.startFrame, endFrame: m.endFrame, label, kick, negative, geometric: m.geometric, x: m.features }) + '\n');
        rows++;
        positives += label;
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
