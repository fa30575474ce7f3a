import * as ort from 'onnxruntime-node';
import { readOnnxMetadata } from './onnx-metadata';
import { letterboxToTensor } from './preprocess';
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
  detect(frame: Frame): Promise<Detection[]>;
}

export class OnnxDetector implements FrameDetector {
  private input: Float32Array;
  private lbCache = new Map<string, Letterbox>();

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly classNames: readonly string[],
    readonly inputSize: number,
    private readonly conf: number,
    private readonly iouThr: number,
    private readonly keep: ReadonlySet<number> | undefined,
  ) {
    this.input = new Float32Array(3 * inputSize * inputSize);
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
    let size = o.inputSize;
    if (size === undefined && meta.imgsz) {
      const m = /(\d+)/.exec(meta.imgsz);
      if (m) size = Number(m[1]);
    }
    if (size === undefined) {
      const shape = (session.inputMetadata[0] as { shape?: readonly (number | string)[] }).shape;
      const last = shape?.[shape.length - 1];
      if (typeof last === 'number') size = last;
    }
    if (!size) throw new Error(`${o.modelPath}: cannot tell the input size; set model.inputSize in the worker config`);
    let keep: Set<number> | undefined;
    if (o.keepClassNames) {
      keep = new Set(o.keepClassNames.map((n) => names.indexOf(n)).filter((i) => i >= 0));
      const missing = o.keepClassNames.filter((n) => !names.includes(n));
      if (missing.length) throw new Error(`${o.modelPath}: the model has no class ${missing.map((m) => JSON.stringify(m)).join(', ')} (it has ${names.join(', ')})`);
    }
    return new OnnxDetector(session, names, size, o.confThreshold ?? 0.3, o.iouThreshold ?? 0.45, keep);
  }

  async detect(frame: Frame): Promise<Detection[]> {
    const key = `${frame.width}x${frame.height}`;
    let lb = this.lbCache.get(key);
    if (!lb) {
      lb = letterboxFor(frame.width, frame.height, this.inputSize);
      this.lbCache.set(key, lb);
    }
    letterboxToTensor(frame.data, frame.width, frame.height, lb, this.input);
    const S = this.inputSize;
    const feeds = { [this.session.inputNames[0]]: new ort.Tensor('float32', this.input, [1, 3, S, S]) };
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
