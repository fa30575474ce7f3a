import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, FrameDetector } from '../detect/onnx-detector';
import type { Detection } from '../detect/yolo-decode';
import { CachedDetector } from './cached-detector';

const frame = (index: number) => ({ data: new Uint8Array(0), width: 640, height: 360, index, t: index / 25 });

class CountingDetector implements FrameDetector {
  readonly classNames = ['parcel', 'person'];
  calls = 0;
  detect(f: Frame): Promise<Detection[]> {
    this.calls++;
    const index = (f as Frame & { index: number }).index;
    return Promise.resolve([{ classId: 0, score: 0.9, box: [index, 0, index + 10, 10] }]);
  }
}

describe('CachedDetector', () => {
  it('runs the detector once per frame and replays its output from the file afterwards', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kj-cache-')), 'clip.json');
    const inner = new CountingDetector();
    const first = new CachedDetector(inner, path);
    await first.detect(frame(3));
    await first.detect(frame(3));
    expect(inner.calls).toBe(1);
    first.save();
    const again = new CachedDetector(inner, path);
    expect(await again.detect(frame(3))).toEqual([{ classId: 0, score: 0.9, box: [3, 0, 13, 10] }]);
    expect(inner.calls).toBe(1);
    // a frame the first pass never asked for (the motion gate decided differently) is detected and added
    await again.detect(frame(4));
    expect(inner.calls).toBe(2);
  });
});
