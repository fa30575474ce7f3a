import { matchClip, score } from './scoring';

describe('matchClip and score', () => {
  it('matches an event to an overlapping label of its kind, once', () => {
    const m = matchClip(
      [
        { kind: 'throw', startFrame: 10, endFrame: 30 },
        { kind: 'kick', startFrame: 50, endFrame: 70 },
      ],
      [
        { kind: 'throw', startFrame: 28, endFrame: 40 },
        { kind: 'throw', startFrame: 29, endFrame: 35 },
        { kind: 'throw', startFrame: 52, endFrame: 60 },
      ],
    );
    expect(m.matched).toHaveLength(1);
    expect(m.falsePositives).toHaveLength(2);
    expect(m.misses).toEqual([{ kind: 'kick', startFrame: 50, endFrame: 70 }]);
    expect(score('throw', [m])).toEqual({ tp: 1, fp: 2, fn: 0, precision: 0.3333, recall: 1, f1: 0.5 });
    expect(score('kick', [m])).toMatchObject({ tp: 0, fn: 1, recall: 0, f1: 0 });
  });

  it('does not match spans that only touch the label from outside', () => {
    const m = matchClip([{ kind: 'kick', startFrame: 10, endFrame: 20 }], [{ kind: 'kick', startFrame: 21, endFrame: 30 }]);
    expect(m.matched).toHaveLength(0);
  });
});
