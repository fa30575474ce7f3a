import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readJson } from '../config/read-json';

const PointSchema = z.tuple([z.number(), z.number()]);

/** `<clip>/camera.json`: the calibration of the clip's camera, in the video's own pixels. */
export const ClipCameraSchema = z.object({
  imagePoints: z.array(PointSchema).length(4),
  floorPointsCm: z.array(PointSchema).length(4),
  surfaceHeightCm: z.number().min(0).max(500),
  fps: z.number().positive().max(240),
  focalPx: z.number().positive().optional(),
});
export type ClipCamera = z.infer<typeof ClipCameraSchema>;

/**
 * `<clip>/labels.json`: the violations in the clip, as frame spans, and optionally the staged acts that are not
 * violations (placings, pick-ups…: not scored, shown by the diagnostics). Extra fields are kept for analysis.
 */
export const ClipLabelsSchema = z.object({
  events: z.array(z.looseObject({ kind: z.enum(['throw', 'kick']), startFrame: z.number().int().min(0), endFrame: z.number().int().min(0) })),
  negatives: z.array(z.looseObject({ kind: z.string(), startFrame: z.number().int().min(0), endFrame: z.number().int().min(0) })).optional(),
});
export type ClipLabels = z.infer<typeof ClipLabelsSchema>;

export interface Clip {
  name: string;
  dir: string;
  video: string;
  camera: ClipCamera;
  labels: ClipLabels;
}

/** Lists the clips of a dataset directory, validating each clip's files. */
export function loadDataset(dir: string): Clip[] {
  if (!existsSync(dir)) throw new Error(`${dir}: no such dataset directory`);
  const clips: Clip[] = [];
  for (const name of readdirSync(dir).sort()) {
    const d = join(dir, name);
    const video = join(d, 'video.mp4');
    if (!existsSync(video)) continue;
    clips.push({ name, dir: d, video, camera: readJson(join(d, 'camera.json'), ClipCameraSchema), labels: readJson(join(d, 'labels.json'), ClipLabelsSchema) });
  }
  if (clips.length === 0) throw new Error(`${dir}: no <clip>/video.mp4 found`);
  return clips;
}
