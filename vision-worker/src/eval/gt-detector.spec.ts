import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroundTruthDetector, gtBoxesFile } from './gt-detector';

const frame = (index: number) => ({ data: new Uint8Array(0), width: 640, height: 360, index, t: index / 25 });

describe('GroundTruthDetector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kj-gt-'));

  it('replays the boxes of each frame, scaled to the processing size', async () => {
    const path = join(dir, 'gt-boxes.json');
    writeFileSync(path, JSON.stringify({ classes: { 0: 'parcel', 1: 'person' }, frames: [[[0, 10, 20, 30, 40]], [], [[1, 100, 100, 200, 400], [0, 0, 0, 8, 8]]] }));
    const d = new GroundTruthDetector(path, 0.5);
    expect(await d.detect(frame(0))).toEqual([{ classId: 0, score: 1, box: [5, 10, 15, 20] }]);
    expect(await d.detect(frame(1))).toEqual([]);
    expect((await d.detect(frame(2))).map((x) => x.classId)).toEqual([1, 0]);
    expect(await d.detect(frame(9))).toEqual([]);
  });

  it('names the file when it is not a ground-truth box file', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ boxes: [] }));
    expect(() => new GroundTruthDetector(path, 1)).toThrow(/bad\.json: no "frames" array/);
    expect(() => new GroundTruthDetector(join(dir, 'missing.json'), 1)).toThrow(/missing\.json: not readable JSON/);
  });

  it('names the file of each sampling as make_heldout.py writes it', () => {
    expect(gtBoxesFile('end')).toBe('gt-boxes.json');
    expect(gtBoxesFile('middle')).toBe('gt-boxes-middle.json');
  });
});
