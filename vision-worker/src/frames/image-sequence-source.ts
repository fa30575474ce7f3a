import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { fitWithin, type FrameSource, type SourceFrame } from './frame-source';

const IMAGE = /\.(jpe?g|png|webp|bmp|tiff?)$/i;

/** A folder of still images in name order, played at a given frame rate (camera boxes that push JPEGs). */
export class ImageSequenceSource implements FrameSource {
  width = 0;
  height = 0;
  fullWidth = 0;
  fullHeight = 0;
  scale = 1;
  private closed = false;

  private constructor(
    private readonly files: string[],
    readonly fps: number,
  ) {}

  static async open(dir: string, fps: number, maxSide: number): Promise<ImageSequenceSource> {
    const files = (await readdir(dir)).filter((f) => IMAGE.test(f)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    if (files.length === 0) throw new Error(`${dir}: no images (.jpg, .png, .webp, .bmp, .tif)`);
    const src = new ImageSequenceSource(
      files.map((f) => join(dir, f)),
      fps,
    );
    const meta = await sharp(src.files[0]).metadata();
    const fit = fitWithin(meta.width ?? 0, meta.height ?? 0, maxSide);
    src.fullWidth = meta.width ?? 0;
    src.fullHeight = meta.height ?? 0;
    if (!src.fullWidth || !src.fullHeight) throw new Error(`${src.files[0]}: cannot read the image size`);
    src.width = fit.width;
    src.height = fit.height;
    src.scale = fit.width / src.fullWidth;
    return src;
  }

  async *frames(): AsyncIterable<SourceFrame> {
    for (let index = 0; index < this.files.length && !this.closed; index++) {
      const { data } = await sharp(this.files[index])
        .removeAlpha()
        .resize(this.width, this.height, { fit: 'fill' })
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      yield { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: this.width, height: this.height, index, t: index / this.fps };
    }
  }

  close(): void {
    this.closed = true;
  }
}
