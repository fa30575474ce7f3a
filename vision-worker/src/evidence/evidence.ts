import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Frame } from '../detect/onnx-detector';
import type { Box } from '../detect/yolo-decode';

export interface Overlay {
  box: Box;
  colour: string;
  label?: string;
}

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);

/** A JPEG of the frame with the parcel and the person outlined: what a supervisor sees on the wallboard. */
export async function encodeSnapshot(frame: Frame, overlays: readonly Overlay[], quality = 85): Promise<Buffer> {
  const { width: w, height: h } = frame;
  const shapes = overlays
    .map((o) => {
      const [x1, y1, x2, y2] = o.box.map((v) => Math.round(v));
      const text = o.label ? `<text x="${x1 + 2}" y="${Math.max(12, y1 - 4)}" font-family="sans-serif" font-size="13" fill="${o.colour}">${esc(o.label)}</text>` : '';
      return `<rect x="${x1}" y="${y1}" width="${Math.max(1, x2 - x1)}" height="${Math.max(1, y2 - y1)}" fill="none" stroke="${o.colour}" stroke-width="2"/>${text}`;
    })
    .join('');
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${shapes}</svg>`);
  return sharp(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.length), { raw: { width: w, height: h, channels: 3 } })
    .composite([{ input: svg, top: 0, left: 0 }])
    .jpeg({ quality, mozjpeg: false })
    .toBuffer();
}

/** A short H.264 MP4 of the frames around the event, encoded by ffmpeg from the frame ring. */
export async function encodeClip(frames: readonly Frame[], fps: number, ffmpeg = 'ffmpeg'): Promise<Buffer> {
  if (frames.length === 0) throw new Error('no frames for the clip');
  const { width, height } = frames[0];
  const dir = await mkdtemp(join(tmpdir(), 'kj-clip-'));
  const out = join(dir, 'clip.mp4');
  try {
    await new Promise<void>((resolve, reject) => {
      const p = spawn(
        ffmpeg,
        ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '26', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', out],
        { stdio: ['pipe', 'ignore', 'pipe'] },
      );
      let err = '';
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.on('error', reject);
      p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg clip encoding failed (${code}): ${err.trim().slice(-300)}`))));
      p.stdin.on('error', () => undefined);
      for (const f of frames) p.stdin.write(f.data);
      p.stdin.end();
    });
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
