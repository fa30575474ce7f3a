import { decodeYolo, iou, letterboxFor, ModelOutputError, parseClassNames } from './yolo-decode';

/** Builds a [1, 4+nc, anchors] tensor from per-anchor rows (cx, cy, w, h, ...probs). */
function tensor(rows: number[][], nc: number): { data: Float32Array; dims: number[] } {
  const c = 4 + nc;
  const n = rows.length;
  const data = new Float32Array(c * n);
  rows.forEach((r, a) => r.forEach((v, k) => (data[k * n + a] = v)));
  return { data, dims: [1, c, n] };
}

describe('decodeYolo', () => {
  const lb = letterboxFor(640, 480, 320); // scale 0.5, 40 px bars top and bottom
  const base = { numClasses: 2, confThreshold: 0.3, iouThreshold: 0.5, letterbox: lb, frameWidth: 640, frameHeight: 480 };

  it('computes the Ultralytics letterbox', () => {
    expect(lb).toEqual({ size: 320, scale: 0.5, padX: 0, padY: 40 });
  });

  it('turns centre boxes in letterboxed input pixels into corner boxes in frame pixels', () => {
    const { data, dims } = tensor([[100, 100, 20, 40, 0.9, 0.1]], 2);
    const [d] = decodeYolo(data, dims, base);
    expect(d.classId).toBe(0);
    expect(d.score).toBeCloseTo(0.9);
    expect(d.box).toEqual([180, 80, 220, 160]);
  });

  it('keeps the best class per anchor and drops anchors under the threshold', () => {
    const { data, dims } = tensor(
      [
        [50, 60, 10, 10, 0.2, 0.8],
        [150, 160, 10, 10, 0.1, 0.25],
      ],
      2,
    );
    const out = decodeYolo(data, dims, base);
    expect(out).toHaveLength(1);
    expect(out[0].classId).toBe(1);
  });

  it('suppresses overlapping boxes of the same class but not of different classes', () => {
    const { data, dims } = tensor(
      [
        [100, 100, 40, 40, 0.9, 0],
        [102, 101, 40, 40, 0.8, 0],
        [101, 100, 40, 40, 0, 0.7],
      ],
      2,
    );
    const out = decodeYolo(data, dims, base);
    expect(out.map((d) => [d.classId, d.score])).toEqual([
      [0, expect.closeTo(0.9, 5)],
      [1, expect.closeTo(0.7, 5)],
    ]);
  });

  it('optionally suppresses a duplicate nested inside a better box of its class', () => {
    const { data, dims } = tensor(
      [
        [100, 100, 60, 60, 0.9, 0],
        [104, 104, 30, 30, 0.6, 0],
        [100, 100, 30, 30, 0, 0.8],
      ],
      2,
    );
    expect(decodeYolo(data, dims, base)).toHaveLength(3);
    expect(decodeYolo(data, dims, { ...base, containThreshold: 0.8 }).map((d) => d.score)).toEqual([expect.closeTo(0.9, 5), expect.closeTo(0.8, 5)]);
  });

  it('reads the transposed [1, anchors, 4+nc] layout the same way', () => {
    const rows = [
      [100, 100, 20, 40, 0.9, 0.1],
      [200, 150, 30, 30, 0.05, 0.6],
      [10, 10, 4, 4, 0.0, 0.0],
    ];
    const { data, dims } = tensor(rows, 2);
    const transposed = new Float32Array(rows.flat());
    expect(decodeYolo(transposed, [1, 3, 6], base)).toEqual(decodeYolo(data, dims, base));
  });

  it('filters to the classes the worker uses', () => {
    const { data, dims } = tensor([[100, 100, 20, 20, 0.2, 0.9, 0.5]], 3);
    const out = decodeYolo(data, dims, { ...base, numClasses: 3, keepClasses: new Set([0, 2]) });
    expect(out).toHaveLength(1);
    expect(out[0].classId).toBe(2);
  });

  it('names the mismatch when the output does not fit the class count', () => {
    const { data, dims } = tensor([[1, 1, 1, 1, 1, 1, 1]], 3);
    expect(() => decodeYolo(data, dims, base)).toThrow(ModelOutputError);
    expect(() => decodeYolo(data, dims, base)).toThrow(/expected 4 \+ 2 = 6 rows/);
  });
});

describe('iou', () => {
  it('computes IoU of overlapping and disjoint boxes', () => {
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150);
    expect(iou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
  });
});

describe('parseClassNames', () => {
  it('reads the Python dict Ultralytics writes into the metadata', () => {
    expect(parseClassNames("{0: 'person', 1: 'bicycle', 2: \"traffic light\"}")).toEqual(['person', 'bicycle', 'traffic light']);
  });
  it('reads JSON arrays and objects', () => {
    expect(parseClassNames('["parcel","person"]')).toEqual(['parcel', 'person']);
    expect(parseClassNames('{"0": "parcel", "1": "person"}')).toEqual(['parcel', 'person']);
  });
  it('rejects gaps', () => {
    expect(() => parseClassNames("{0: 'a', 2: 'c'}")).toThrow(/skip index 1/);
  });
});
