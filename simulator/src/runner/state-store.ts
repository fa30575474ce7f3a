import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** What a restart needs to continue where the last run stopped. */
export const SimStateSchema = z.object({
  version: z.literal(1),
  seed: z.number().int(),
  scale: z.number(),
  volume: z.number(),
  hub: z.string(),
  /** Every fact due for upload before this simulated time was acknowledged by the hub. */
  checkpoint: z.number(),
  checkpointIso: z.string(),
  speed: z.number(),
  /** The start the storyline (`--storyline`) opened, kept so a restart regenerates it the same. */
  storylineAt: z.number().optional(),
  savedAt: z.string(),
});
export type SimState = z.infer<typeof SimStateSchema>;

export function loadState(path: string): SimState | null {
  if (!existsSync(path)) return null;
  const parsed = SimStateSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`state file ${path} is not a simulator state (${parsed.error.issues[0].message}); delete it to start afresh`);
  return parsed.data;
}

/** Written to a temporary file and renamed, so a crash never leaves half a state. */
export function saveState(path: string, state: SimState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2));
  renameSync(tmp, path);
}
