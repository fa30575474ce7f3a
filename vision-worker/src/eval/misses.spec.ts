import type { Detection } from '../detect/yolo-decode';
import { parcelTracks } from './fall-coverage';
import { rejectionsAround, tracksAround } from './misses';

const parcel = (cx: number, cy: number): Detection => ({ classId: 0, score: 0.9, box: [cx - 10, cy - 10, cx + 10, cy + 10] });

describe('tracksAround', () => {
  // a parcel first boxed at frame 14, falling (it was hidden before), and one lying still all along
  const frames = Array.from({ length: 30 }, (_, f) => [f, [...(f >= 14 ? [parcel(300, f < 20 ? 100 + (f - 10) ** 2 : 200)] : []), parcel(50, 50)]] as [number, Detection[]]);
  const rows = tracksAround({ startFrame: 10, endFrame: 22 }, parcelTracks({ frames, fps: 25 }));

  it('lists the tracks with boxes in the span, the fall first', () => {
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ first: 14, from: 14, to: 27, boxes: 14, beginsMoving: true });
    expect(rows[0].downPx).toBe(200 - 116);
    expect(rows[1]).toMatchObject({ first: 0, from: 5, to: 27, downPx: 0, beginsMoving: false });
  });

  it('leaves out tracks with fewer than two boxes near the span', () => {
    expect(tracksAround({ startFrame: 60, endFrame: 70 }, parcelTracks({ frames, fps: 25 }))).toEqual([]);
  });
});

describe('rejectionsAround', () => {
  const r = (from: number, to: number) => ({ trackId: 't', from, to, reason: 'a fall of 20 cm' });

  it('keeps the rejections of motions that overlap the span or come within the margin of it', () => {
    // each of the motions ending at 39 and starting at 76 is one frame beyond the default margin of 5
    const all = [r(0, 30), r(34, 39), r(41, 50), r(60, 70), r(76, 90)];
    expect(rejectionsAround({ startFrame: 45, endFrame: 70 }, all)).toEqual([r(41, 50), r(60, 70)]);
    expect(rejectionsAround({ startFrame: 45, endFrame: 70 }, all, 6)).toEqual([r(34, 39), r(41, 50), r(60, 70), r(76, 90)]);
  });
});
