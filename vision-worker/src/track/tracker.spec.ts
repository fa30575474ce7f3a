import type { Detection } from '../detect/yolo-decode';
import { DEFAULT_TRACKER, Tracker } from './tracker';

const det = (classId: number, cx: number, cy: number, s = 20, score = 0.9): Detection => ({ classId, score, box: [cx - s / 2, cy - s / 2, cx + s / 2, cy + s / 2] });

describe('Tracker', () => {
  it('keeps one identity for a parcel moving fast across frames', () => {
    const tr = new Tracker('p');
    for (let f = 0; f < 15; f++) tr.update(f, f / 25, [det(0, 50 + 25 * f, 100 + f * f)]);
    expect(tr.active).toHaveLength(1);
    expect(tr.active[0].history).toHaveLength(15);
    expect(tr.active[0].confirmed).toBe(true);
  });

  it('keeps two crossing parcels apart by their predicted motion', () => {
    const tr = new Tracker('p');
    for (let f = 0; f < 20; f++) tr.update(f, f / 25, [det(0, 100 + 10 * f, 200), det(0, 300 - 10 * f, 206)]);
    const [a, b] = tr.active;
    expect(a.history.map((h) => Math.round((h.box[0] + h.box[2]) / 2))).toEqual(Array.from({ length: 20 }, (_, f) => 100 + 10 * f));
    expect(b.history.map((h) => Math.round((h.box[0] + h.box[2]) / 2))).toEqual(Array.from({ length: 20 }, (_, f) => 300 - 10 * f));
  });

  it('bridges missed detections and ends a track after too many', () => {
    const tr = new Tracker('p', { ...DEFAULT_TRACKER, maxMisses: 3, restingMaxMisses: 3, historyLength: 100 });
    tr.update(0, 0, [det(0, 100, 100)]);
    tr.update(1, 0.04, [det(0, 110, 100)]);
    tr.update(2, 0.08, []);
    tr.update(3, 0.12, []);
    tr.update(4, 0.16, [det(0, 140, 100)]);
    expect(tr.active).toHaveLength(1);
    expect(tr.active[0].history.map((h) => h.frame)).toEqual([0, 1, 4]);
    const ended: string[] = [];
    for (let f = 5; f < 10; f++) ended.push(...tr.update(f, f / 25, []).map((t) => t.id));
    expect(ended).toEqual([tr.active.length === 0 ? 'p1' : 'x']);
  });

  it('keeps a resting parcel through a long occlusion and continues its track where it moves off', () => {
    const tr = new Tracker('p');
    for (let f = 0; f < 10; f++) tr.update(f, f / 25, [det(0, 200 + (f % 2) * 1.5, 300, 40)]);
    // a person stands over it for two seconds: no detection
    for (let f = 10; f < 60; f++) expect(tr.update(f, f / 25, [])).toEqual([]);
    // kicked: it reappears a little off its spot, moving
    for (let f = 60; f < 66; f++) tr.update(f, f / 25, [det(0, 215 + 12 * (f - 60), 305, 40)]);
    expect(tr.active).toHaveLength(1);
    expect(tr.active[0].history.map((h) => h.frame)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 60, 61, 62, 63, 64, 65]);
  });

  it('ends a moving track lost for longer than maxMisses', () => {
    const tr = new Tracker('p');
    for (let f = 0; f < 6; f++) tr.update(f, f / 25, [det(0, 100 + 15 * f, 100)]);
    const ended: string[] = [];
    for (let f = 6; f < 16; f++) ended.push(...tr.update(f, f / 25, []).map((t) => t.id));
    expect(ended).toEqual(['p1']);
  });

  it('never associates across classes', () => {
    const tr = new Tracker('t');
    tr.update(0, 0, [det(0, 100, 100)]);
    tr.update(1, 0.04, [det(1, 100, 100)]);
    expect(tr.active.map((t) => t.classId).sort()).toEqual([0, 1]);
  });

  it('drops an unconfirmed one-frame blip', () => {
    const tr = new Tracker('t');
    tr.update(0, 0, [det(0, 100, 100)]);
    tr.update(1, 0.04, []);
    tr.update(2, 0.08, []);
    expect(tr.active).toHaveLength(0);
  });

  it('continues a track with weak detections but never starts one from them', () => {
    const tr = new Tracker('p');
    // a parcel seen confidently, then blurred in flight (weak scores), then confidently again on the floor
    for (let f = 0; f < 4; f++) tr.update(f, f / 25, [det(0, 100, 100 + 2 * f)]);
    for (let f = 4; f < 10; f++) tr.update(f, f / 25, [det(0, 100, 100 + 2 * f, 20, 0.15)]);
    for (let f = 10; f < 12; f++) tr.update(f, f / 25, [det(0, 100, 100 + 2 * f)]);
    expect(tr.active).toHaveLength(1);
    expect(tr.active[0].history.map((h) => h.frame)).toEqual(Array.from({ length: 12 }, (_, f) => f));
    // weak boxes elsewhere, alone: no new track
    for (let f = 12; f < 16; f++) tr.update(f, f / 25, [det(0, 100, 124), det(0, 400, 400, 20, 0.2)]);
    expect(tr.active).toHaveLength(1);
  });

  it('prefers a confident detection to a weak one for the same track', () => {
    const tr = new Tracker('p');
    for (let f = 0; f < 5; f++) tr.update(f, f / 25, [det(0, 100 + 5 * f, 100)]);
    tr.update(5, 0.2, [det(0, 125, 100, 20, 0.2), det(0, 127, 101)]);
    expect(tr.active).toHaveLength(1);
    expect(tr.active[0].history[5].score).toBe(0.9);
  });

  it('holds weak detections to a tighter gate than confident ones', () => {
    const tr = new Tracker('p');
    for (let f = 0; f < 5; f++) tr.update(f, f / 25, [det(0, 100, 100)]);
    // 0.7 of the box scale off the prediction: close enough for a confident box, not for a weak one
    tr.update(5, 0.2, [det(0, 100 + 0.7 * (Math.hypot(20, 20) + 4), 100, 20, 0.2)]);
    expect(tr.active[0].history).toHaveLength(5);
    tr.update(6, 0.24, [det(0, 100 + 0.7 * (Math.hypot(20, 20) + 4), 100)]);
    expect(tr.active[0].history).toHaveLength(6);
  });
});
