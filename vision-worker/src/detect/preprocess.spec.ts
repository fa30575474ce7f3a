import { fillMotionPlane } from './preprocess';

/** A 2×2 four-plane tensor whose RGB planes hold one grey level per pixel. */
function tensor(greys: number[]): Float32Array {
  const t = new Float32Array(16).fill(-1);
  greys.forEach((g, i) => {
    t[i] = g;
    t[4 + i] = g;
    t[8 + i] = g;
  });
  return t;
}

describe('fillMotionPlane', () => {
  it('leaves the motion plane at zero on a stream’s first frame and keeps the frame’s luma for the next call', () => {
    const t = tensor([0.2, 0.4, 0.6, 0.8]);
    const luma = new Float32Array(4).fill(0.9); // whatever the buffer held before
    fillMotionPlane(t, 2, luma, false);
    expect(Array.from(t.subarray(12))).toEqual([0, 0, 0, 0]);
    Array.from(luma).forEach((y, i) => expect(y).toBeCloseTo([0.2, 0.4, 0.6, 0.8][i], 6));
  });

  it('writes |luma − previous luma| with BT.601 weights, whichever way the pixel changed', () => {
    const prev = new Float32Array(4);
    fillMotionPlane(tensor([0.5, 0.5, 0.5, 0.5]), 2, prev, false);
    const t = tensor([0.5, 0.9, 0.1, 0.5]);
    t[0] = 1; // pure red at pixel 0: luma 0.299 + 0.587·0.5 + 0.114·0.5
    const rgb = Array.from(t.subarray(0, 12));
    fillMotionPlane(t, 2, prev, true);
    const want = [Math.abs(0.299 + 0.5 * 0.701 - 0.5), 0.4, 0.4, 0];
    Array.from(t.subarray(12)).forEach((d, i) => expect(d).toBeCloseTo(want[i], 6));
    expect(Array.from(t.subarray(0, 12))).toEqual(rgb); // the colour planes the model also reads are left as they were
  });
});
