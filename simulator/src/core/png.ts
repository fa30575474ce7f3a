import { crc32, deflateSync } from 'node:zlib';

/** A tiny RGB raster with just enough drawing to make evidence pictures a person can tell apart. */
export class Raster {
  readonly px: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    bg: [number, number, number],
  ) {
    this.px = new Uint8Array(width * height * 3);
    this.fill(0, 0, width, height, bg);
  }
  fill(x: number, y: number, w: number, h: number, [r, g, b]: [number, number, number]): void {
    const x0 = Math.max(0, Math.floor(x));
    const y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.floor(x + w));
    const y1 = Math.min(this.height, Math.floor(y + h));
    for (let yy = y0; yy < y1; yy++) {
      for (let xx = x0; xx < x1; xx++) {
        const i = (yy * this.width + xx) * 3;
        this.px[i] = r;
        this.px[i + 1] = g;
        this.px[i + 2] = b;
      }
    }
  }
  frame(t: number, c: [number, number, number]): void {
    this.fill(0, 0, this.width, t, c);
    this.fill(0, this.height - t, this.width, t, c);
    this.fill(0, 0, t, this.height, c);
    this.fill(this.width - t, 0, t, this.height, c);
  }
  /** Digits, ':' '-' and '.' in a 3×5 pixel font scaled by `s`. */
  text(x: number, y: number, s: number, str: string, c: [number, number, number]): void {
    let cx = x;
    for (const ch of str) {
      const g = GLYPHS[ch];
      if (g) {
        for (let row = 0; row < 5; row++) for (let col = 0; col < 3; col++) if (g[row] & (4 >> col)) this.fill(cx + col * s, y + row * s, s, s, c);
      }
      cx += 4 * s;
    }
  }
  png(): Buffer {
    const raw = Buffer.alloc((this.width * 3 + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      raw[y * (this.width * 3 + 1)] = 0;
      Buffer.from(this.px.buffer, this.px.byteOffset + y * this.width * 3, this.width * 3).copy(raw, y * (this.width * 3 + 1) + 1);
    }
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.width, 0);
    ihdr.writeUInt32BE(this.height, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // colour type RGB
    return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  }
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length, 0);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0, 0);
  return Buffer.concat([len, td, crc]);
}

const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 1, 2, 2],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  ':': [0, 2, 0, 2, 0],
  '-': [0, 0, 7, 0, 0],
  '.': [0, 0, 0, 0, 2],
};
