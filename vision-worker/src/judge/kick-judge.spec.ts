import type { Vec3 } from '../calibration/calibration';
import type { Box } from '../detect/yolo-decode';
import { parcelBox, personBox, syntheticCamera, track } from '../testing/synthetic-scene';
import { DEFAULT_JUDGE } from './judgement';
import { KickJudge } from './kick-judge';

const FPS = 25;
const cam = syntheticCamera();
const ctx = { camera: cam.model, settings: DEFAULT_JUDGE, zones: [] };
const S = 30;

/** A parcel at rest, then pushed along +y at `speed` cm/s, decelerating by friction until it stops. */
function slide(start: Vec3, speed: number, friction = 450, restBefore = 12) {
  const pts: { frame: number; box: Box }[] = [];
  let f = 0;
  for (; f < restBefore; f++) pts.push({ frame: f, box: parcelBox(cam.project, start, S) });
  let y = start[1];
  let v = speed;
  while (v > 0) {
    y += v / FPS;
    v -= friction / FPS;
    pts.push({ frame: f++, box: parcelBox(cam.project, [start[0], y, start[2]], S) });
  }
  for (let k = 0; k < 5; k++) pts.push({ frame: f++, box: parcelBox(cam.project, [start[0], y, start[2]], S) });
  return pts;
}

function standing(x: number, y: number, frames: number, id = 'person-1') {
  return track(id, 1, Array.from({ length: frames }, (_, frame) => ({ frame, box: personBox(cam.project, x, y) })));
}

describe('KickJudge', () => {
  const rest: Vec3 = [20, 150, S / 2];

  it('flags a parcel on the floor shot away from a foot next to it', () => {
    const path = slide(rest, 320);
    const j = new KickJudge(ctx).judge(track('parcel-1', 0, path), [standing(20, 110, path.length)], false);
    expect(j).not.toBeNull();
    expect(j!.kind).toBe('kick');
    expect(j!.frame).toBe(12);
    expect(j!.personTrackId).toBe('person-1');
    expect(j!.speedCmS!).toBeGreaterThan(250);
    expect(j!.speedCmS!).toBeLessThan(340);
  });

  it('needs the parcel at rest for more than 8 observations first (a track that only just appeared is no rest)', () => {
    const person = (n: number) => [standing(20, 110, n)];
    const brief = slide(rest, 320, 450, 8);
    expect(new KickJudge(ctx).judge(track('parcel-1', 0, brief), person(brief.length), false)).toBeNull();
    const settled = slide(rest, 320, 450, 9);
    expect(new KickJudge(ctx).judge(track('parcel-1', 0, settled), person(settled.length), false)?.kind).toBe('kick');
  });

  it('lets a slow nudge pass', () => {
    const path = slide(rest, 60, 60);
    expect(new KickJudge(ctx).judge(track('parcel-1', 0, path), [standing(20, 110, path.length)], false)).toBeNull();
  });

  it('needs a foot at the parcel: a parcel moving on its own with everyone far away is not a kick', () => {
    const path = slide(rest, 320);
    const reasons: string[] = [];
    const traced = { ...ctx, trace: (judge: string, id: string, from: number, to: number, reason: string) => reasons.push(`${judge} ${id} ${from}-${to}: ${reason}`) };
    expect(new KickJudge(traced).judge(track('parcel-1', 0, path), [standing(-200, 350, path.length)], false)).toBeNull();
    // the evaluation tooling is told which check turned it down
    expect(reasons).toEqual([`kick parcel-1 0-${path[path.length - 1].frame}: no person with their feet next to the parcel (rest until frame 11, moving from 12)`]);
  });

  it('does not take a parcel being picked up for a kick', () => {
    // the parcel rises quickly into the person's hands and stays in their box
    const pts: { frame: number; box: Box }[] = [];
    for (let f = 0; f < 12; f++) pts.push({ frame: f, box: parcelBox(cam.project, rest, S) });
    for (let k = 1; k <= 20; k++) pts.push({ frame: 11 + k, box: parcelBox(cam.project, [20, 150 - Math.min(k, 6) * 3, S / 2 + Math.min(k, 8) * 12], S) });
    const person = standing(20, 125, 34);
    expect(new KickJudge(ctx).judge(track('parcel-1', 0, pts), [person], true)).toBeNull();
  });

  it('ignores parcels that never move while people walk past', () => {
    const pts = Array.from({ length: 30 }, (_, frame) => ({ frame, box: parcelBox(cam.project, rest, S) }));
    const walker = track('person-1', 1, Array.from({ length: 30 }, (_, frame) => ({ frame, box: personBox(cam.project, -100 + 8 * frame, 110) })));
    expect(new KickJudge(ctx).judge(track('parcel-1', 0, pts), [walker], false)).toBeNull();
  });

  it('sees a kick whose contact the kicker hid: a flickering rest, a gap, then the slide', () => {
    const path = slide(rest, 320, 450, 14);
    // the detector's box on the resting parcel jumps by a few pixels while the person steps in front of it,
    // then the parcel is hidden for the contact and the first frames of the slide
    const seen = path
      .map((p, i) => (i < 14 && i % 2 ? { ...p, box: [p.box[0] + 4, p.box[1] - 3, p.box[2] + 4, p.box[3] - 3] as Box } : p))
      .filter((p) => p.frame < 12 || p.frame > 15);
    const j = new KickJudge(ctx).judge(track('parcel-1', 0, seen), [standing(20, 110, path.length)], false);
    expect(j?.kind).toBe('kick');
    expect(j!.frame).toBe(16);
    expect(j!.speedCmS!).toBeGreaterThan(150);
  });

  it('does not take a flickering box on a resting parcel for a kick', () => {
    const pts = Array.from({ length: 30 }, (_, frame) => {
      const b = parcelBox(cam.project, rest, S);
      return { frame, box: (frame % 2 ? [b[0] + 4, b[1] - 3, b[2] + 4, b[3] - 3] : b) as Box };
    });
    expect(new KickJudge(ctx).judge(track('parcel-1', 0, pts), [standing(20, 110, 30)], true)).toBeNull();
  });

  it('reports each kick once', () => {
    const path = slide(rest, 320);
    const judge = new KickJudge(ctx);
    const persons = [standing(20, 110, path.length + 3)];
    expect(judge.judge(track('parcel-1', 0, path), persons, false)).not.toBeNull();
    const more = [...path, ...[1, 2, 3].map((i) => ({ frame: path.length - 1 + i, box: path[path.length - 1].box }))];
    expect(judge.judge(track('parcel-1', 0, more), persons, false)).toBeNull();
  });
});
