import type { Detection } from '../detect/yolo-decode';
import { fallPath, personBox, syntheticCamera } from '../testing/synthetic-scene';
import { replayClip, type ReplayClip } from './replay';

const cam = syntheticCamera();

/** A clip as a --dets-cache run records it: a throw, with the thrower standing by, on every frame. */
function throwClip(): ReplayClip {
  const path = fallPath(cam.project, [0, 140, 120], [40, 260, 90], 30, 8, 12);
  const person = personBox(cam.project, 0, 100);
  const frames = path.map((p): [number, Detection[]] => [
    p.frame + 10,
    [
      { classId: 0, score: 0.9, box: p.box },
      { classId: 1, score: 0.9, box: person },
    ],
  ]);
  // the thrower alone before the parcel is picked up
  for (let f = 0; f < 10; f++) frames.unshift([9 - f, [{ classId: 1, score: 0.9, box: person }]]);
  return { name: 'clip-1', labels: [{ kind: 'throw', startFrame: 18, endFrame: 30 }], negatives: [], camera: cam.model, fps: 25, scale: 1, frames };
}

describe('replayClip', () => {
  it('runs the tracker and the judges over recorded detections and finds the throw', async () => {
    const js = await replayClip(throwClip());
    expect(js.map((j) => j.kind)).toEqual(['throw']);
    expect(js[0].startFrame).toBe(18);
  });

  it("hands the judges the tuning it is given (a hand level above the person's head rejects every release)", async () => {
    expect(await replayClip(throwClip(), { throw: { handLevelMax: -0.5 } })).toEqual([]);
  });
});
