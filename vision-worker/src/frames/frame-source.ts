import type { Frame } from '../detect/onnx-detector';

export interface SourceFrame extends Frame {
  /** Index since the source (re)started. */
  index: number;
  /** Seconds since the source started: from the frame rate for files, from the clock for live streams. */
  t: number;
}

/** Frames from somewhere: a file, an RTSP stream, a folder of images. Ends when the source ends or fails. */
export interface FrameSource {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  frames(): AsyncIterable<SourceFrame>;
  close(): void;
}

/** The processing size: the source scaled to fit within maxSide (even dimensions, for ffmpeg). */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number; scale: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const even = (v: number) => Math.max(2, Math.round((v * scale) / 2) * 2);
  return { width: even(width), height: even(height), scale };
}
