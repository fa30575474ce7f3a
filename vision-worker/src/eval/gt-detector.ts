import { readFileSync } from 'node:fs';
import type { Frame, FrameDetector } from '../detect/onnx-detector';
import type { Detection } from '../detect/yolo-decode';

/** Which sub-frame of the renderer's motion blur a set of its boxes was taken at. */
export type GtSampling = 'end' | 'middle';
export const GT_SAMPLINGS: readonly GtSampling[] = ['end', 'middle'];

/** The file `make_heldout.py --gt-boxes` writes the boxes of one sampling to, in each clip's directory. */
export const gtBoxesFile = (sampling: GtSampling): string => (sampling === 'end' ? 'gt-boxes.json' : `gt-boxes-${sampling}.json`);

/**
 * Diagnostic only (eval `--gt-boxes`): replays the synthetic renderer's own boxes (`gt-boxes.json`, written by
 * `make_heldout.py --gt-boxes`) as detections, so the tracker and the judges can be measured on perfect
 * detection, apart from the detector's errors. Never used by the worker.
 */
export class GroundTruthDetector implements FrameDetector {
  readonly classNames = ['parcel', 'person'] as const;
  private readonly frames: number[][][];

  /** `scale`: processing pixels per video pixel (the source is scaled to fit the worker's maxSide). */
  constructor(
    path: string,
    private readonly scale: number,
  ) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`${path}: not readable JSON (${(e as Error).message}); generate the set with make_heldout.py --gt-boxes`);
    }
    const frames = (raw as { frames?: unknown }).frames;
    if (!Array.isArray(frames)) throw new Error(`${path}: no "frames" array`);
    this.frames = frames as number[][][];
  }

  detect(frame: Frame): Promise<Detection[]> {
    const index = (frame as Frame & { index?: number }).index;
    if (index === undefined) throw new Error('the ground-truth detector needs frames with an index');
    const s = this.scale;
    const boxes = this.frames[index] ?? [];
    return Promise.resolve(boxes.map(([c, x1, y1, x2, y2]) => ({ classId: c, score: 1, box: [x1 * s, y1 * s, x2 * s, y2 * s] })));
  }
}
