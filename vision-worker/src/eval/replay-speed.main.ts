/**
 * Times the tracker and the judges alone, one thread, over clips replayed from `--dets-cache` directories (no
 * video, no detector): what a change to the judges costs.
 *
 *   node dist/eval/replay-speed.main.js <dataset-dir>:<cache-dir>...
 */
import { loadReplay, replayClip, type ReplayClip } from './replay';

async function main() {
  const pairs = process.argv.slice(2);
  if (!pairs.length || pairs.some((p) => !p.includes(':'))) throw new Error('usage: replay-speed <dataset-dir>:<cache-dir>...');
  const clips: ReplayClip[] = [];
  for (const p of pairs) {
    const [dataset, cache] = p.split(':');
    clips.push(...(await loadReplay(dataset, cache)));
  }
  const t0 = performance.now();
  let judgements = 0;
  for (const c of clips) judgements += (await replayClip(c)).length;
  const s = (performance.now() - t0) / 1000;
  console.log(`${clips.length} clip replays, ${judgements} judgements, ${s.toFixed(1)} s (${((s / clips.length) * 1000).toFixed(0)} ms a clip)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
