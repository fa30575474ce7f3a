import type { Pt } from '../calibration/calibration';
import type { Frame } from './onnx-detector';

export interface MotionGateOptions {
  /** Sample every `cell` pixels in both directions. */
  cell: number;
  /** Luminance change (0..255) that counts a sample as changed. */
  pixelThreshold: number;
  /** Share of samples that must change for the frame to count as motion. */
  minFraction: number;
  /** Run the detector at least this often even on a still scene (counts, heartbeats of truth). */
  keepAliveFrames: number;
}

export const DEFAULT_MOTION: MotionGateOptions = { cell: 8, pixelThreshold: 16, minFraction: 0.0015, keepAliveFrames: 25 };

/**
 * Frame differencing on a sparse grid: costs a few thousand reads per frame, so an idle camera spends almost
 * nothing on the detector. Regions that always move (a running conveyor) can be masked out.
 */
export class MotionGate {
  private prev?: Uint8Array;
  private mask?: Uint8Array;
  private sinceDetect = Infinity;

  constructor(
    private readonly o: MotionGateOptions = DEFAULT_MOTION,
    private readonly ignore: readonly (readonly Pt[])[] = [],
  ) {}

  /** True when the detector should run on this frame. */
  check(f: Frame): boolean {
    const c = this.o.cell;
    const gw = Math.floor(f.width / c);
    const gh = Math.floor(f.height / c);
    const n = gw * gh;
    if (!this.mask || this.mask.length !== n) {
      this.mask = new Uint8Array(n);
      for (let gy = 0; gy < gh; gy++)
        for (let gx = 0; gx < gw; gx++) {
          const p: Pt = [gx * c + c / 2, gy * c + c / 2];
          this.mask[gy * gw + gx] = this.ignore.some((poly) => inside(p, poly)) ? 1 : 0;
        }
      this.prev = undefined;
    }
    const cur = new Uint8Array(n);
    const d = f.data;
    let changed = 0;
    let counted = 0;
    for (let gy = 0; gy < gh; gy++) {
      const row = (gy * c + (c >> 1)) * f.width;
      for (let gx = 0; gx < gw; gx++) {
        const i = (row + gx * c + (c >> 1)) * 3;
        const k = gy * gw + gx;
        const y = (d[i] + 2 * d[i + 1] + d[i + 2]) >> 2;
        cur[k] = y;
        if (this.mask[k]) continue;
        counted++;
        if (this.prev && Math.abs(y - this.prev[k]) > this.o.pixelThreshold) changed++;
      }
    }
    const first = !this.prev;
    this.prev = cur;
    const run = first || changed >= Math.max(1, this.o.minFraction * counted) || this.sinceDetect + 1 >= this.o.keepAliveFrames;
    this.sinceDetect = run ? 0 : this.sinceDetect + 1;
    return run;
  }

  /** Forces the next check to run the detector (e.g. tracks are still moving). */
  markDetected(): void {
    this.sinceDetect = 0;
  }
}

function inside(p: Pt, poly: readonly Pt[]): boolean {
  let r = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) r = !r;
  }
  return r;
}
