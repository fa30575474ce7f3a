import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Frame, FrameDetector } from '../detect/onnx-detector';
import type { Detection } from '../detect/yolo-decode';

/**
 * Diagnostic only (eval `--dets-cache <dir>`): remembers the detector's output per frame index in a JSON file
 * per clip, so that a change to the tracker or the judges can be re-measured on the same detections without
 * running the detector again. A frame not in the cache (the motion gate asked for a new one) is detected and
 * added. The cache belongs to one model: delete it when the model changes. With a motion-plane model, a frame
 * added later is compared with the last frame the model ran on, which may not be the frame before it.
 */
export class CachedDetector implements FrameDetector {
  private readonly cache = new Map<number, Detection[]>();
  private dirty = false;

  constructor(
    private readonly inner: FrameDetector,
    private readonly path: string,
  ) {
    if (existsSync(path)) {
      const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Detection[]>;
      for (const [k, v] of Object.entries(raw)) this.cache.set(Number(k), v);
    }
  }

  get classNames() {
    return this.inner.classNames;
  }

  async detect(frame: Frame, stream?: string): Promise<Detection[]> {
    const index = (frame as Frame & { index?: number }).index;
    if (index === undefined) return this.inner.detect(frame, stream);
    const hit = this.cache.get(index);
    if (hit) return hit;
    const dets = await this.inner.detect(frame, stream);
    this.cache.set(index, dets);
    this.dirty = true;
    return dets;
  }

  save() {
    if (!this.dirty) return;
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(this.path, JSON.stringify(Object.fromEntries(this.cache)));
    this.dirty = false;
  }
}
