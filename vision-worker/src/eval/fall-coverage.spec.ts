import type { Detection } from '../detect/yolo-decode';
import { boxedFall, followedShare, parcelTracks, referenceFall } from './fall-coverage';

const box = (cx: number, cy: number, s = 20): Detection['box'] => [cx - s / 2, cy - s / 2, cx + s / 2, cy + s / 2];
const parcel = (cx: number, cy: number): Detection => ({ classId: 0, score: 0.9, box: box(cx, cy) });

/** A parcel resting at (300, 100), falling from frame 10 (release) to 20 (landing) down to (300, 400), at rest after. */
const fallAt = (f: number): [number, number] => (f <= 10 ? [300, 100] : f >= 20 ? [300, 400] : [300, 100 + 3 * (f - 10) ** 2]);
const label = { kind: 'throw' as const, startFrame: 7, endFrame: 23 };

describe('fall coverage', () => {
  const frames = (keep: (f: number) => boolean, extra: (f: number) => Detection[] = () => []) =>
    Array.from({ length: 30 }, (_, f) => [f, [...(keep(f) ? [parcel(...fallAt(f))] : []), ...extra(f)]] as [number, Detection[]]);
  const reference = parcelTracks({ frames: frames(() => true, () => [parcel(50, 50)]), fps: 25 });

  it('finds the fall in the reference tracks: the track that goes furthest down between release and landing', () => {
    const fall = referenceFall(label, reference);
    expect(fall?.map((p) => p.frame)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });

  it('counts the share of the fall that a single track follows', () => {
    const fall = referenceFall(label, reference)!;
    expect(followedShare(fall, parcelTracks({ frames: frames(() => true), fps: 25 }))).toBe(1);
    // the detector loses the parcel from frame 16 on: a new track picks it up after the landing
    const broken = parcelTracks({ frames: frames((f) => f < 16 || f > 27), fps: 25 });
    expect(followedShare(fall, broken)).toBeCloseTo(6 / 11);
    // a box elsewhere on the same frames follows none of it
    expect(followedShare(fall, parcelTracks({ frames: frames(() => false, () => [parcel(500, 300)]), fps: 25 }))).toBe(0);
  });

  it('counts the frames of the fall the detector boxed at a score, and the longest run without a box', () => {
    const fall = referenceFall(label, reference)!;
    // frames 13-16 unboxed; 18 boxed weakly; 19 boxed far off
    const dets = new Map(
      frames((f) => (f < 13 || f > 16) && f !== 19, (f) => (f === 19 ? [parcel(40, 40)] : [])).map(([f, ds]) => [f, f === 18 ? ds.map((d) => ({ ...d, score: 0.2 })) : ds] as [number, Detection[]]),
    );
    expect(boxedFall(fall, dets, 0)).toEqual({ share: 6 / 11, longestGap: 4 });
    expect(boxedFall(fall, dets, 0.3)).toEqual({ share: 5 / 11, longestGap: 4 });
    expect(boxedFall(fall, new Map(), 0)).toEqual({ share: 0, longestGap: 11 });
  });
});
