import { spawn, execFile, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { fitWithin, type FrameSource, type SourceFrame } from './frame-source';

const execFileAsync = promisify(execFile);

export interface ProbeResult {
  width: number;
  height: number;
  fps: number;
}

/** Size and frame rate of a video file or stream, from ffprobe. */
export async function probe(uri: string, ffprobe = 'ffprobe'): Promise<ProbeResult> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,avg_frame_rate,r_frame_rate', '-of', 'json'];
  if (uri.startsWith('rtsp://')) args.push('-rtsp_transport', 'tcp');
  const { stdout } = await execFileAsync(ffprobe, [...args, uri], { timeout: 20_000 });
  const s = (JSON.parse(stdout) as { streams?: { width: number; height: number; avg_frame_rate?: string; r_frame_rate?: string }[] }).streams?.[0];
  if (!s) throw new Error(`${uri}: no video stream`);
  const rate = (r?: string) => {
    const [n, d] = (r ?? '0/1').split('/').map(Number);
    return d ? n / d : 0;
  };
  return { width: s.width, height: s.height, fps: rate(s.avg_frame_rate) || rate(s.r_frame_rate) || 25 };
}

export interface FfmpegSourceOptions {
  uri: string;
  /** Frames are scaled to fit within this many pixels (the calibration is scaled with them). */
  maxSide: number;
  /** Decode at the source's pace (`-re`) instead of as fast as possible: for replaying files as a live camera. */
  realtime?: boolean;
  /** Resample to this rate (ffmpeg fps filter); the source's rate when absent. */
  fps?: number;
  ffmpeg?: string;
}

/**
 * Debian's ffmpeg decodes files and RTSP streams and writes raw RGB24 frames to a pipe; frames are cut from
 * the byte stream at width × height × 3.
 */
export class FfmpegSource implements FrameSource {
  width = 0;
  height = 0;
  fps = 0;
  scale = 1;
  private proc?: ChildProcessByStdio<null, Readable, Readable>;
  private stderr = '';

  private constructor(private readonly o: FfmpegSourceOptions) {}

  static async open(o: FfmpegSourceOptions): Promise<FfmpegSource> {
    const src = new FfmpegSource(o);
    const p = await probe(o.uri, o.ffmpeg ? o.ffmpeg.replace(/ffmpeg$/, 'ffprobe') : 'ffprobe');
    const fit = fitWithin(p.width, p.height, o.maxSide);
    src.width = fit.width;
    src.height = fit.height;
    src.scale = fit.width / p.width;
    src.fps = o.fps ?? p.fps;
    return src;
  }

  async *frames(): AsyncIterable<SourceFrame> {
    const live = this.o.uri.startsWith('rtsp://') || this.o.realtime === true;
    const filters = [`scale=${this.width}:${this.height}:flags=area`];
    if (this.o.fps) filters.unshift(`fps=${this.o.fps}`);
    const args = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
    if (this.o.uri.startsWith('rtsp://')) args.push('-rtsp_transport', 'tcp', '-timeout', '10000000');
    if (this.o.realtime) args.push('-re');
    args.push('-i', this.o.uri, '-an', '-vf', filters.join(','), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
    const proc = spawn(this.o.ffmpeg ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
    const size = this.width * this.height * 3;
    let pending: Buffer[] = [];
    let have = 0;
    let index = 0;
    const start = Date.now();
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      pending.push(chunk);
      have += chunk.length;
      while (have >= size) {
        const all = pending.length === 1 ? pending[0] : Buffer.concat(pending, have);
        const data = new Uint8Array(all.buffer, all.byteOffset, size).slice();
        const rest = all.subarray(size);
        pending = rest.length ? [rest] : [];
        have = rest.length;
        const t = live ? (Date.now() - start) / 1000 : index / this.fps;
        yield { data, width: this.width, height: this.height, index, t };
        index++;
      }
    }
    const code = await exited;
    if (code !== 0 && this.proc) throw new Error(`ffmpeg exited with ${code} on ${this.o.uri}: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }

  close(): void {
    const p = this.proc;
    this.proc = undefined;
    if (p && p.exitCode === null) p.kill('SIGKILL');
  }
}
