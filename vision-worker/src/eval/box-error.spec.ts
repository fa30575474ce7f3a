import { addFrame, gtSpeeds, summarise, type BoxErrorStats, type GtBox } from './box-error';

describe('box error diagnostic', () => {
  it('takes a box speed from the nearest box of its class in the previous frame', () => {
    const prev: GtBox[] = [
      [0, 0, 0, 10, 10],
      [1, 4, 0, 14, 10],
    ];
    const cur: GtBox[] = [
      [0, 3, 4, 13, 14],
      [0, 200, 200, 210, 210],
    ];
    // the parcel moved (3, 4); the far one has no neighbour within its diagonal (the person is another class)
    expect(gtSpeeds(prev, cur)).toEqual([5, 0]);
  });

  it('matches one to one by IoU and keeps centre errors, recall and precision per bucket', () => {
    const stats = new Map<string, BoxErrorStats>();
    const gt: GtBox[] = [
      [0, 0, 0, 20, 20],
      [0, 100, 100, 120, 120],
    ];
    const dets = [
      { classId: 0, score: 0.9, box: [1, 0, 21, 20] as [number, number, number, number] },
      { classId: 0, score: 0.8, box: [1, 0, 21, 20] as [number, number, number, number] }, // a duplicate: a false detection
      { classId: 1, score: 0.8, box: [100, 100, 120, 120] as [number, number, number, number] }, // wrong class
    ];
    addFrame(stats, gt, dets, () => 'parcel', (d) => (d.classId === 0 ? 'parcel' : null));
    const s = summarise(stats.get('parcel')!);
    expect(s.gt).toBe(2);
    expect(s.recall_iou50).toBe(0.5);
    expect(s.precision_iou50).toBe(0.5);
    expect(s.centre_error_px_p50).toBe(1);
    expect(s.within_2px).toBe(1);
  });
});
