/**
 * Diagnostic: where each labelled throw is lost, in the tracks or in the throw classifier. Reads the motion rows of
 * clips the model never saw (`motions.main.js ... --out rows.jsonl`) and, per labelled throw, says whether some motion
 * holds 3 or more frames of its fall and the model's best probability among those motions.
 *
 *   node dist/eval/throw-candidates.main.js --model <throw-motion.json>[@threshold] <rows.jsonl>...
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readJson } from '../config/read-json';
import { MotionClassifier } from '../judge/motion-classifier';
import { ClipLabelsSchema } from './dataset';
import { throwCandidates, type MotionRow } from './throw-candidates';

function main() {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--model');
  const [path, thr] = at >= 0 ? (argv.splice(at, 2)[1] ?? '').split('@') : [];
  if (!path || !argv.length) throw new Error('usage: throw-candidates.main.js --model <throw-motion.json>[@threshold] <rows.jsonl>...');
  // the loader checks the file's features against the worker's and reproduces its trainer's log-odds
  const model = MotionClassifier.load(path, thr === undefined ? undefined : Number(thr));
  const byClip = new Map<string, MotionRow[]>();
  for (const file of argv) {
    const [head, ...lines] = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
    const features = (JSON.parse(head) as { features: string[] }).features;
    if (features.join(',') !== model.model.features.join(',')) throw new Error(`${file}: rows of another feature set than the model`);
    for (const l of lines) {
      const r = JSON.parse(l) as MotionRow;
      const rows = byClip.get(r.clip);
      if (rows) rows.push(r);
      else byClip.set(r.clip, [r]);
    }
  }
  const counts = { none: 0, under: 0, over: 0 };
  for (const [clip, rows] of [...byClip].sort(([a], [b]) => a.localeCompare(b))) {
    const labels = readJson(join(clip, 'labels.json'), ClipLabelsSchema).events;
    for (const c of throwCandidates(labels, rows, (x) => model.probability(x))) {
      const name = `${basename(clip)} throw ${c.label.startFrame}-${c.label.endFrame}`;
      if (!c.best) {
        counts.none++;
        console.log(`${name}: no motion holds 3+ frames of the fall`);
        continue;
      }
      counts[c.best.p >= model.threshold ? 'over' : 'under']++;
      const { row, p } = c.best;
      console.log(`${name}: best ${p.toFixed(2)} (${row.trackId} frames ${row.startFrame}-${row.endFrame}; the geometry ${c.geometric ? 'found it' : 'did not'})`);
    }
  }
  console.log(`no motion holds its fall: ${counts.none}, best motion under ${model.threshold}: ${counts.under}, best motion at ${model.threshold} or more: ${counts.over}`);
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
