import type { Letterbox } from './yolo-decode';

/**
 * Letterboxes an RGB24 frame into the model's NCHW float input (0..1, grey 114 padding). Bilinear sampling
 * at pixel centres: at an exact 2× reduction it averages 2×2 blocks, the same as OpenCV's INTER_AREA used
 * in training.
 */
export function letterboxToTensor(rgb: Uint8Array, width: number, height: number, lb: Letterbox, out?: Float32Array): Float32Array {
  const S = lb.size;
  const plane = S * S;
  const t = out ?? new Float32Array(3 * plane);
  t.fill(114 / 255);
  const nw = Math.round(width * lb.scale);
  const nh = Math.round(height * lb.scale);
  const inv = 1 / lb.scale;
  const k = 1 / 255;
  for (let y = 0; y < nh; y++) {
    const sy = Math.min(Math.max((y + 0.5) * inv - 0.5, 0), height - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = sy - y0;
    const row = (y + lb.padY) * S + lb.padX;
    for (let x = 0; x < nw; x++) {
      const sx = Math.min(Math.max((x + 0.5) * inv - 0.5, 0), width - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, width - 1);
      const fx = sx - x0;
      const a = (y0 * width + x0) * 3;
      const b = (y0 * width + x1) * 3;
      const c = (y1 * width + x0) * 3;
      const d = (y1 * width + x1) * 3;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const o = row + x;
      t[o] = (rgb[a] * w00 + rgb[b] * w01 + rgb[c] * w10 + rgb[d] * w11) * k;
      t[plane + o] = (rgb[a + 1] * w00 + rgb[b + 1] * w01 + rgb[c + 1] * w10 + rgb[d + 1] * w11) * k;
      t[2 * plane + o] = (rgb[a + 2] * w00 + rgb[b + 2] * w01 + rgb[c + 2] * w10 + rgb[d + 2] * w11) * k;
    }
  }
  return t;
}

/** Metadata value of a model whose fourth input plane is the luma difference to the previous frame (train.py). */
export const MOTION_CHANNEL_LUMA_DIFF = 'absdiff_luma_bt601_previous_frame';

/**
 * Fills plane 3 of a letterboxed 4-plane tensor with |luma − previous luma| (BT.601, 0..1), where `luma` holds the
 * stream's previous luma, and overwrites `luma` with this frame's for the next call (one buffer per stream, no
 * allocation per frame). With `hasPrev` false (a stream's first frame) the plane is zero, as the model was trained
 * to expect for a still scene.
 */
export function fillMotionPlane(t: Float32Array, size: number, luma: Float32Array, hasPrev: boolean): void {
  const plane = size * size;
  for (let i = 0; i < plane; i++) {
    const y = 0.299 * t[i] + 0.587 * t[plane + i] + 0.114 * t[2 * plane + i];
    t[3 * plane + i] = hasPrev ? Math.abs(y - luma[i]) : 0;
    luma[i] = y;
  }
}
