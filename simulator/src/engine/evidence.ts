import { createHash } from 'node:crypto';
import type { EvidenceRef } from '@kanjian/shared';
import { Raster } from '../core/png';
import { hashKey, Rand } from '../core/random';
import { isoUtc8 } from '../core/time';
import type { EvidenceBlob } from './types';

/**
 * `upload`: every reference points at a small generated PNG that the sender uploads to `POST /api/v1/evidence`
 * first (the uri is the hub's content address, `/api/v1/evidence/<sha256>.png`, so it is known before the
 * upload). `none`: references carry a `sim:` uri and no bytes (load runs, offline tests).
 */
export type EvidenceMode = 'upload' | 'none';

export interface MadeEvidence {
  ref: EvidenceRef;
  blob?: EvidenceBlob;
}

type Rgb = [number, number, number];

export class EvidenceFactory {
  constructor(readonly mode: EvidenceMode) {}

  /** A camera frame of a sorting violation: the belt, the sorter, the parcel at its release height. */
  sortingSnapshot(key: string, atMs: number, cameraNo: number, kind: 'throw' | 'drop' | 'kick', heightCm: number): MadeEvidence {
    return this.make('snapshot', key, () => {
      const r = new Raster(160, 120, [58, 62, 66]);
      const rng = Rand.of(key);
      r.fill(0, 78, 160, 18, [30, 30, 34]); // belt
      for (let x = rng.int(0, 12); x < 160; x += rng.int(18, 30)) r.fill(x, 66, rng.int(10, 16), 12, shade([150, 110, 60], rng));
      r.fill(104, 34, 14, 40, [40, 90, 170]); // sorter
      r.fill(106, 24, 10, 10, [230, 200, 170]);
      const py = kind === 'kick' ? 100 : Math.max(14, 70 - heightCm * 0.3);
      r.fill(kind === 'kick' ? 96 : 80, py, 14, 11, [200, 60, 40]); // the parcel
      r.frame(2, [220, 30, 30]);
      r.text(4, 4, 1, isoUtc8(atMs).slice(11, 19), [255, 255, 255]);
      r.text(4, 110, 1, `${cameraNo}-${Math.round(heightCm)}`, [255, 220, 0]);
      return r;
    });
  }

  /** The 验视 photo of an opened parcel's contents. */
  inspectionPhoto(key: string, atMs: number): MadeEvidence {
    return this.make('photo', key, () => {
      const rng = Rand.of(key);
      const r = new Raster(96, 72, [210, 205, 195]);
      r.fill(14, 18, 68, 44, [170, 125, 70]);
      for (let i = 0; i < 4; i++) r.fill(rng.int(18, 64), rng.int(22, 50), rng.int(6, 14), rng.int(6, 10), shade([90, 120, 160], rng));
      r.text(3, 3, 1, isoUtc8(atMs).slice(11, 19), [40, 40, 40]);
      r.text(3, 65, 1, String(hashKey(key) % 1e8), [40, 40, 40]);
      return r;
    });
  }

  /** The sign-off photo: the parcel at the door, in the locker or on the 驿站 shelf. */
  signOffPhoto(key: string, atMs: number, where: 'in_person' | 'locker' | 'station'): MadeEvidence {
    return this.make('photo', key, () => {
      const rng = Rand.of(key);
      const bg: Rgb = where === 'locker' ? [120, 160, 120] : where === 'station' ? [200, 190, 150] : [180, 150, 120];
      const r = new Raster(96, 72, bg);
      if (where === 'locker') for (let x = 6; x < 90; x += 21) for (let y = 8; y < 64; y += 14) r.fill(x, y, 19, 12, [90, 130, 90]);
      else r.fill(30, 10, 36, 58, [110, 80, 60]);
      r.fill(rng.int(34, 50), rng.int(38, 50), 16, 12, [170, 125, 70]);
      r.text(3, 3, 1, isoUtc8(atMs).slice(11, 19), [20, 20, 20]);
      r.text(3, 65, 1, String(hashKey(key) % 1e8), [20, 20, 20]);
      return r;
    });
  }

  private make(kind: EvidenceRef['kind'], key: string, draw: () => Raster): MadeEvidence {
    if (this.mode === 'none') return { ref: { kind, uri: `sim:${kind}:${key}` } };
    const bytes = draw().png();
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return { ref: { kind, uri: `/api/v1/evidence/${sha256}.png`, sha256 }, blob: { sha256, contentType: 'image/png', bytes } };
  }
}

function shade(c: Rgb, rng: Rand): Rgb {
  const f = rng.range(0.75, 1.15);
  return [Math.min(255, c[0] * f), Math.min(255, c[1] * f), Math.min(255, c[2] * f)].map(Math.round) as Rgb;
}
