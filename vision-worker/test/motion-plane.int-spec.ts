/**
 * What the worker feeds a 4-plane (motion) model, through the real onnxruntime: tiny models from
 * test/fixtures/motion-plane/make.py score a 'moving' box on each 8×8 cell of a 32×32 input where the fourth
 * plane is large. The detector runs in a child Node process over the built worker, because onnxruntime's
 * native outputs fail Jest's per-test realm type checks (their Float32Array is not the test context's).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const DETECTOR = resolve(__dirname, '../dist/detect/onnx-detector.js');
const FIXTURES = resolve(__dirname, 'fixtures/motion-plane');

/** Runs `body` (with `OnnxDetector` and `grey(level, block?)` in scope) in a fresh Node; returns what it prints. */
function run(body: string): unknown {
  const script = `
    const { OnnxDetector } = require(${JSON.stringify(DETECTOR)});
    const grey = (level, block, w = 32) => {
      const data = new Uint8Array(w * 32 * 3).fill(level);
      if (block) for (let y = block.y; y < block.y + 8; y++) for (let x = block.x; x < block.x + 8; x++) data.fill(block.level, (y * w + x) * 3, (y * w + x) * 3 + 3);
      return { data, width: w, height: 32 };
    };
    (async () => { ${body} })().then((r) => console.log(JSON.stringify(r)), (e) => console.log(JSON.stringify({ error: e.message })));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim().split('\n').pop() ?? 'null');
}

describe('a motion-plane model in the worker', () => {
  beforeAll(() => {
    if (!existsSync(DETECTOR)) throw new Error(`${DETECTOR} is missing: npm run build -w @kanjian/vision-worker`);
  });

  it('gets each camera’s difference to its own previous frame, nothing on a first frame or a new frame size', () => {
    const r = run(`
      const det = await OnnxDetector.load({ modelPath: ${JSON.stringify(join(FIXTURES, 'motion.onnx'))}, threads: 1 });
      const still = grey(100);
      const changed = grey(100, { x: 8, y: 16, level: 230 });
      const out = {
        planes: det.planes,
        first: await det.detect(still, 'cam-a'),
        moved: await det.detect(changed, 'cam-a'),
        otherCamera: await det.detect(still, 'cam-b'),
        same: await det.detect(changed, 'cam-a'),
        newSize: await det.detect(grey(230, undefined, 64), 'cam-b'),
      };
      await det.close();
      return out;
    `) as Record<string, unknown>;
    expect(r.planes).toBe(4);
    expect(r.first).toEqual([]);
    const moved = r.moved as { classId: number; box: number[] }[];
    expect(moved).toHaveLength(1);
    expect(moved[0].classId).toBe(0);
    moved[0].box.forEach((v, i) => expect(v).toBeCloseTo([8, 16, 16, 24][i], 3));
    expect(r.otherCamera).toEqual([]); // camera b's first frame, though it differs from camera a's last
    expect(r.same).toEqual([]); // nothing moved since camera a's last frame (camera b's frame between does not count)
    expect(r.newSize).toEqual([]); // camera b's frames changed size: no previous frame to compare with
  });

  it('refuses a 4-plane model whose metadata does not say what the fourth plane is', () => {
    const r = run(`await OnnxDetector.load({ modelPath: ${JSON.stringify(join(FIXTURES, 'motion-nometa.onnx'))} }); return {};`) as { error?: string };
    expect(r.error).toMatch(/takes 4 input planes but its metadata does not say the fourth is absdiff_luma_bt601_previous_frame/);
  });

  it('refuses a model taking a number of planes the worker cannot fill, naming it', () => {
    const r = run(`await OnnxDetector.load({ modelPath: ${JSON.stringify(join(FIXTURES, 'two-planes.onnx'))} }); return {};`) as { error?: string };
    expect(r.error).toMatch(/two-planes\.onnx: the model takes 2 input planes; the worker feeds 3 \(RGB\) or 4/);
  });
});
