import { DEFAULT_KICK_TUNING } from '../judge/kick-judge';
import { DEFAULT_THROW_TUNING } from '../judge/throw-judge';
import type { ClipMatch, Span } from './scoring';
import { coordinateDescent, DEFAULT_POINT, folds, GRID, objective, parsePoint, toTuning, type Point } from './tune';

const throwSpan: Span = { kind: 'throw', startFrame: 0, endFrame: 10 };
const hit: ClipMatch = { matched: [{ label: throwSpan, detection: throwSpan }], falsePositives: [], misses: [] };
const miss: ClipMatch = { matched: [], falsePositives: [], misses: [throwSpan] };

describe('judge tuning', () => {
  it('searches every threshold from its default', () => {
    for (const [k, values] of Object.entries(GRID)) expect(values).toContain(DEFAULT_POINT[k]);
    expect(Object.keys(DEFAULT_POINT).length).toBe(Object.keys(DEFAULT_THROW_TUNING).length + Object.keys(DEFAULT_KICK_TUNING).length + 3);
  });

  it('maps a point to the judges\u2019 overrides and refuses an unknown name', () => {
    expect(toTuning({ 'throw.landedTolPx': 4, 'kick.preStill': 5, 'tracker.lowMaxCost': -1 })).toEqual({ throw: { landedTolPx: 4 }, kick: { preStill: 5 }, tracker: { lowMaxCost: -1 } });
    expect(() => toTuning({ 'throw.nope': 1 })).toThrow('unknown threshold throw.nope');
  });

  it('reads a list of thresholds over the defaults and names a bad item', () => {
    const p = parsePoint('throw.landedTolPx=4,tracker.lowMaxCost=-1');
    expect(p).toEqual({ ...DEFAULT_POINT, 'throw.landedTolPx': 4, 'tracker.lowMaxCost': -1 });
    expect(parsePoint('', p)).toEqual(p);
    expect(() => parsePoint('kick.preStill=x')).toThrow('kick.preStill=x is not <threshold>=<number>');
    expect(() => parsePoint('throw.nope=1')).toThrow('throw.nope=1 is not <threshold>=<number>');
  });

  it('averages throw and kick F1 over the sources', () => {
    // source 1: throw F1 1, no kicks (F1 1); source 2: throw F1 0, no kicks
    expect(objective([[hit], [miss]])).toBeCloseTo((1 + 0.5) / 2);
    expect(objective([[hit], [miss]], [1, 3])).toBeCloseTo((1 + 3 * 0.5) / 4);
  });

  it('moves a threshold only when that scores better, and keeps the rest', async () => {
    // the clip is found only when landedTolPx is 4
    const evaluate = (p: Point) => Promise.resolve([[p['throw.landedTolPx'] === 4 ? hit : miss]]);
    const r = await coordinateDescent(evaluate, ['c'], DEFAULT_POINT, { 'throw.landedTolPx': [2, 3, 4], 'kick.preStill': [4, 6, 8] });
    expect(r.point).toEqual({ ...DEFAULT_POINT, 'throw.landedTolPx': 4 });
    expect(r.value).toBe(1);
  });

  it('splits clips into disjoint folds that cover them all, the same way every time', () => {
    const names = Array.from({ length: 23 }, (_, i) => `clip-${90001 + i}`);
    const f = folds(names, 5);
    expect(f.flat().sort()).toEqual([...names].sort());
    expect(f.map((x) => x.length).sort()).toEqual([4, 4, 5, 5, 5]);
    expect(folds(names, 5)).toEqual(f);
  });
});
