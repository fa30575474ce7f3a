/**
 * Decoding of the standard Ultralytics YOLO detection export: one output `[1, 4 + classes, anchors]` whose
 * rows are cx, cy, w, h (input pixels of the letterboxed image) then one probability per class. Some
 * exporters transpose it to `[1, anchors, 4 + classes]`; both layouts are accepted.
 */
export type Box = [number, number, number, number]; // x1, y1, x2, y2

export interface Detection {
  classId: number;
  score: number;
  box: Box;
}

export interface Letterbox {
  /** Model input side (square). */
  size: number;
  scale: number;
  padX: number;
  padY: number;
}

/** Ultralytics letterbox: scale to fit, centre, pad with grey. */
export function letterboxFor(width: number, height: number, size: number): Letterbox {
  const scale = Math.min(size / width, size / height);
  const nw = Math.round(width * scale);
  const nh = Math.round(height * scale);
  return { size, scale, padX: Math.floor((size - nw) / 2), padY: Math.floor((size - nh) / 2) };
}

export interface DecodeOptions {
  numClasses: number;
  confThreshold: number;
  iouThreshold: number;
  letterbox: Letterbox;
  frameWidth: number;
  frameHeight: number;
  maxDetections?: number;
  /** Only these class ids are kept (the rest of a COCO model's classes are noise here). */
  keepClasses?: ReadonlySet<number>;
  /** Also suppress a box of the same class lying this much (intersection / smaller area) inside a better one. */
  containThreshold?: number;
}

export class ModelOutputError extends Error {}

export function decodeYolo(data: ArrayLike<number>, dims: readonly number[], o: DecodeOptions): Detection[] {
  const c = 4 + o.numClasses;
  if (dims.length !== 3 || dims[0] !== 1) throw new ModelOutputError(`expected a [1, 4+classes, anchors] output, got [${dims.join(', ')}]`);
  let anchors: number;
  let at: (row: number, a: number) => number;
  if (dims[1] === c) {
    anchors = dims[2];
    at = (row, a) => data[row * anchors + a];
  } else if (dims[2] === c) {
    anchors = dims[1];
    at = (row, a) => data[a * c + row];
  } else {
    throw new ModelOutputError(`output [${dims.join(', ')}] does not match ${o.numClasses} classes (expected 4 + ${o.numClasses} = ${c} rows)`);
  }
  if (data.length < c * anchors) throw new ModelOutputError('output tensor is shorter than its dimensions');
  const { scale, padX, padY } = o.letterbox;
  const cand: Detection[] = [];
  for (let a = 0; a < anchors; a++) {
    let best = -1;
    let bestScore = o.confThreshold;
    for (let k = 0; k < o.numClasses; k++) {
      if (o.keepClasses && !o.keepClasses.has(k)) continue;
      const s = at(4 + k, a);
      if (s > bestScore) {
        bestScore = s;
        best = k;
      }
    }
    if (best < 0) continue;
    const cx = at(0, a);
    const cy = at(1, a);
    const w = at(2, a);
    const h = at(3, a);
    const x1 = clamp((cx - w / 2 - padX) / scale, 0, o.frameWidth);
    const y1 = clamp((cy - h / 2 - padY) / scale, 0, o.frameHeight);
    const x2 = clamp((cx + w / 2 - padX) / scale, 0, o.frameWidth);
    const y2 = clamp((cy + h / 2 - padY) / scale, 0, o.frameHeight);
    if (x2 - x1 < 1 || y2 - y1 < 1) continue;
    cand.push({ classId: best, score: bestScore, box: [x1, y1, x2, y2] });
  }
  return nms(cand, o.iouThreshold, o.maxDetections ?? 300, o.containThreshold);
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

export function iou(a: Box, b: Box): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

/** Greedy non-maximum suppression within each class. */
export function nms(dets: Detection[], iouThreshold: number, max: number, containThreshold = 1.01): Detection[] {
  const sorted = [...dets].sort((p, q) => q.score - p.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (kept.length >= max) break;
    if (kept.every((k) => k.classId !== d.classId || (iou(k.box, d.box) < iouThreshold && containment(k.box, d.box) < containThreshold))) kept.push(d);
  }
  return kept;
}

/** Intersection over the smaller box's area: 1 when one box lies inside the other. */
export function containment(a: Box, b: Box): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  return (iw * ih) / Math.min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]));
}

/**
 * Class names as Ultralytics writes them into the ONNX metadata (`names`: a Python dict literal such as
 * `{0: 'person', 1: 'bicycle'}`), or as JSON (an array or an object keyed by index).
 */
export function parseClassNames(raw: string): string[] {
  const s = raw.trim();
  if (s.startsWith('[')) {
    const arr: unknown = JSON.parse(s);
    if (!Array.isArray(arr) || !arr.every((x) => typeof x === 'string')) throw new ModelOutputError('class names must be strings');
    return arr as string[];
  }
  const names: string[] = [];
  const re = /['"]?(\d+)['"]?\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) names[Number(m[1])] = m[2] ?? m[3];
  if (names.length === 0) throw new ModelOutputError(`cannot read class names from ${JSON.stringify(raw.slice(0, 80))}`);
  for (let i = 0; i < names.length; i++) if (names[i] === undefined) throw new ModelOutputError(`class names skip index ${i}`);
  return names;
}
