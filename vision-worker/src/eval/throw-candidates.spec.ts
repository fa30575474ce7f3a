import type { Span } from './scoring';
import { throwCandidates, type MotionRow } from './throw-candidates';

const row = (startFrame: number, endFrame: number, label: number, x: number, geometric = false): MotionRow => ({ clip: 'c', trackId: `t${x}`, startFrame, endFrame, label, geometric, x: [x] });

describe('throwCandidates', () => {
  const labels: Span[] = [
    { kind: 'throw', startFrame: 10, endFrame: 30 },
    { kind: 'throw', startFrame: 60, endFrame: 80 },
    { kind: 'kick', startFrame: 100, endFrame: 120 },
  ];
  const p = (x: readonly number[]) => x[0];

  it('takes, per throw, the best-scored motion that holds its fall, and whether the geometry took one', () => {
    const rows = [row(12, 20, 1, 0.3, true), row(18, 35, 1, 0.7), row(25, 40, -1, 0.9), row(60, 70, 0, 0.95), row(100, 110, 1, 0.99)];
    const [first, second, ...rest] = throwCandidates(labels, rows, p);
    expect(rest).toHaveLength(0);
    // the row that only touches the throw (-1) does not count, however it scores
    expect(first.best).toEqual({ row: rows[1], p: 0.7 });
    expect(first.geometric).toBe(true);
    // a motion overlapping the second throw that does not hold its fall: nothing holds it
    expect(second.best).toBeUndefined();
    expect(second.geometric).toBe(false);
  });
});
