import * as ort from 'onnxruntime-node';
import { readOnnxMetadata } from './onnx-metadata';
import { fillMotionPlane, letterboxToTensor, MOTION_CHANNEL_LUMA_DIFF } from './preprocess';
import { decodeYolo, letterboxFor, parseClassNames, type Detection, type Letterbox } from './yolo-decode';

export interface DetectorOptions {
  modelPath: string;
  /** Overrides the names in the model metadata (for exports without them). */
  classNames?: string[];
  /** Overrides `imgsz` from the metadata / the input shape. */
  inputSize?: number;
  confThreshold?: number;
  iouThreshold?: number;
  threads?: number;
  /** Class names the worker uses; the rest are dropped at decode time. */
  keepClassNames?: string[];
}

export interface Frame {
  /** RGB24, row-major. */
  data: Uint8Array;
  width: number;
  height: number;
}

/** The ONNX session behind a small interface, so the pipeline can be tested with a fake detector. */
export interface FrameDetector {
  readonly classNames: readonly string[];
  /** `stream`: which camera the frame is from, for a model that compares it with that camera's previous one. */
  detect(frame: Frame, stream?: string): Promise<Detection[]>;
}

/** Previous lumas kept per stream: a worker's cameras, or an evaluation's clips (oldest dropped first). */
const MAX_STREAMS = 256;

export class OnnxDetector implements FrameDetector {
  private input: Float32Array;
  private lbCache = new Map<string, Letterbox>();
  /** Motion-channel models only: each stream's last luma plane and the frame size it came from. */
  private prevLuma = new Map<string, { key: string; luma: Float32Array }>();

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly classNames: readonly string[],
    readonly inputSize: number,
    private readonly conf: number,
    private readonly iouThr: number,
    private readonly keep: ReadonlySet<number> | undefined,
    /** 4 when the model also takes the luma difference to the previous frame. */
    readonly planes: 3 | 4,
  ) {
    this.input = new Float32Array(planes * inputSize * inputSize);
  }

  static async load(o: DetectorOptions): Promise<OnnxDetector> {
    const meta = readOnnxMetadata(o.modelPath);
    const names = o.classNames ?? (meta.names ? parseClassNames(meta.names) : undefined);
    if (!names) throw new Error(`${o.modelPath}: no class names in the model metadata; set model.classNames in the worker config`);
    const session = await ort.InferenceSession.create(o.modelPath, {
      intraOpNumThreads: o.threads ?? 2,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    const shape = (session.inputMetadata[0] as { shape?: readonly (number | string)[] }).shape;
    let size = o.inputSize;
    if (size === undefined && meta.imgsz) {
      const m = /(\d+)/.exec(meta.imgsz);
      if (m) size = Number(m[1]);
    }
    if (size === undefined) {
      const last = shape?.[shape.length - 1];
      if (typeof last === 'number') size = last;
    }
    if (!size) throw new Error(`${o.modelPath}: cannot tell the input size; set model.inputSize in the worker config`);
    // a symbolic plane count is taken for the usual 3
    const planes = typeof shape?.[1] === 'number' ? shape[1] : 3;
    if (planes !== 3 && planes !== 4) throw new Error(`${o.modelPath}: the model takes ${planes} input planes; the worker feeds 3 (RGB) or 4 (RGB and motion)`);
    const motion = meta.kanjian_motion_channel;
    if (planes === 4 && motion !== MOTION_CHANNEL_LUMA_DIFF)
      throw new Error(
        `${o.modelPath}: the model takes 4 input planes but its metadata does not say the fourth is ${MOTION_CHANNEL_LUMA_DIFF} (kanjian_motion_channel=${motion ?? 'absent'})`,
      );
    let keep: Set<number> | undefined;
    if (o.keepClassNames) {
      keep = new Set(o.keepClassNames.map((n) => names.indexOf(n)).filter((i) => i >= 0));
      const missing = o.keepClassNames.filter((n) => !names.includes(n));
      if (missing.length) throw new Error(`${o.modelPath}: the model has no class ${missing.map((m) => JSON.stringify(m)).join(', ')} (it has ${names.join(', ')})`);
    }
    return new OnnxDetector(session, names, size, o.confThreshold ?? 0.3, o.iouThreshold ?? 0.45, keep, planes);
  }

  async detect(frame: Frame, stream = ''): Promise<Detection[]> {
    const key = `${frame.width}x${frame.height}`;
    let lb = this.lbCache.get(key);
    if (!lb) {
      lb = letterboxFor(frame.width, frame.height, this.inputSize);
      this.lbCache.set(key, lb);
    }
    letterboxToTensor(frame.data, frame.width, frame.height, lb, this.input);
    const S = this.inputSize;
    if (this.planes === 4) {
      const prev = this.prevLuma.get(stream);
      const entry = prev ?? { key, luma: new Float32Array(S * S) };
      fillMotionPlane(this.input, S, entry.luma, prev?.key === key);
      entry.key = key;
      this.prevLuma.delete(stream); // re-inserted last: the least recently seen stream is dropped first
      this.prevLuma.set(stream, entry);
      if (this.prevLuma.size > MAX_STREAMS) this.prevLuma.delete(this.prevLuma.keys().next().value as string);
    }
    const feeds = { [this.session.inputNames[0]]: new ort.Tensor('float32', this.input, [1, this.planes, S, S]) };
    const out = await this.session.run(feeds);
    const t = out[this.session.outputNames[0]];
    return decodeYolo(t.data as Float32Array, t.dims, {
      numClasses: this.classNames.length,
      confThreshold: this.conf,
      iouThreshold: this.iouThr,
      letterbox: lb,
      frameWidth: frame.width,
      frameHeight: frame.height,
      keepClasses: this.keep,
      containThreshold: 0.8,
    });
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
