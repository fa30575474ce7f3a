"""Detector training frames from synthetic clips: JPEG frames letterboxed to the model input, with boxes.

Usage: /usr/bin/python3 gen_dataset.py --out ../data/det-train.npz --first-seed 1 --clips 600
Detector frames come from seeds in [1, 10000); the judgement's validation clips use seeds from 90001 and the
held-out evaluation set seeds from 900001 (make_heldout.py).
"""
import argparse
import os
import time

import cv2
import numpy as np

import synth

SIZES = [(640, 640, 0.6), (640, 480, 0.2), (640, 360, 0.2)]


def letterbox(img, boxes, S):
    H, W = img.shape[:2]
    r = min(S / W, S / H)
    nw, nh = int(round(W * r)), int(round(H * r))
    px, py = (S - nw) // 2, (S - nh) // 2
    out = np.full((S, S, 3), 114, np.uint8)
    out[py:py + nh, px:px + nw] = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_AREA)
    b = np.array(boxes, np.float32).reshape(-1, 5)
    b[:, [1, 3]] = b[:, [1, 3]] * r + px
    b[:, [2, 4]] = b[:, [2, 4]] * r + py
    return out, b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--first-seed', type=int, default=1)
    ap.add_argument('--clips', type=int, default=600)
    ap.add_argument('--per-clip', type=int, default=12)
    ap.add_argument('--size', type=int, default=320)
    ap.add_argument('--label-at', choices=['end', 'middle'], default='end', help="sub-frame the boxes are taken from (synth.simulate)")
    ap.add_argument('--save-every', type=int, default=0, help='also write the frames so far every N clips')
    ap.add_argument('--fall-frames', type=int, default=0,
                    help='up to N of each clip\'s frames from the falls (throws, drops, placings, slide-offs): parcels in flight and in the hands')
    ap.add_argument('--prev', action='store_true',
                    help='also store each frame\'s previous frame (prev_jpgs), for a detector that sees the frame difference')
    a = ap.parse_args()
    assert a.first_seed + a.clips <= 10_000, 'detector-frame seeds must stay below 10000 (validation and held-out clips use the seeds above)'
    jpgs, boxes, seeds, prev_jpgs = [], [], [], []
    t0 = time.time()
    for k in range(a.clips):
        seed = a.first_seed + k
        rng = np.random.default_rng(10_000_000 + seed)
        W, H, _ = SIZES[rng.choice(len(SIZES), p=[s[2] for s in SIZES])]
        # first pass: physics only, to find the frames where something happens
        sc = synth.build_scene(seed, W, H)
        synth.simulate(sc, None)
        hot = set()
        for e in sc.events + sc.negatives:
            hot.update(range(e['startFrame'], e['endFrame'] + 1))
        hot = sorted(f for f in hot if f < sc.n_frames)
        pick = set()
        if a.fall_frames:
            falls = sorted({f for e in sc.events + sc.negatives if e['kind'] in ('throw', 'place', 'slideoff')
                            for f in range(e['startFrame'], e['endFrame'] + 1) if f < sc.n_frames})
            if falls:
                pick = set(rng.choice(falls, min(len(falls), a.fall_frames), replace=False).tolist())
        hot = [f for f in hot if f not in pick]
        n_hot = min(len(hot), a.per_clip * 2 // 3 - len(pick))
        if n_hot > 0:
            pick |= set(rng.choice(hot, n_hot, replace=False).tolist())
        while len(pick) < a.per_clip:
            pick.add(int(rng.integers(0, sc.n_frames)))
        sc = synth.build_scene(seed, W, H)

        held = {}  # frame index -> letterboxed previous frame, kept until its successor is drawn

        def on_frame(fi, img, ids, sc=sc):
            lb, b = letterbox(img, synth.boxes_from_ids(sc, ids[a.label_at]) if fi in pick else [], a.size)
            if a.prev and fi + 1 in pick:
                held[fi + 1] = lb
            if fi not in pick:
                return
            q = int(rng.integers(70, 95))
            ok, enc = cv2.imencode('.jpg', lb, [cv2.IMWRITE_JPEG_QUALITY, q])
            jpgs.append(enc.tobytes())
            boxes.append(b)
            seeds.append(seed)
            if a.prev:
                # the first frame has no predecessor: the worker then sees no difference, so store the frame itself
                ok, enc = cv2.imencode('.jpg', held.pop(fi, lb), [cv2.IMWRITE_JPEG_QUALITY, q])
                prev_jpgs.append(enc.tobytes())

        wanted = pick | ({f - 1 for f in pick if f > 0} if a.prev else set())
        synth.simulate(sc, on_frame, want=lambda fi: fi in wanted, want_ids=True, label_at=(a.label_at,))
        if k % 50 == 0:
            print(f'{k}/{a.clips} clips, {len(jpgs)} frames, {time.time() - t0:.0f}s', flush=True)
        if a.save_every and (k + 1) % a.save_every == 0 and k + 1 < a.clips:
            save(a.out, jpgs, boxes, seeds, prev_jpgs)  # a usable partial set while generation goes on
    save(a.out, jpgs, boxes, seeds, prev_jpgs)
    print(f'wrote {len(jpgs)} frames to {a.out} in {time.time() - t0:.0f}s')


def save(path, jpgs, boxes, seeds, prev_jpgs):
    tmp = path + '.tmp.npz'
    extra = {'prev_jpgs': np.array(prev_jpgs, dtype=object)} if prev_jpgs else {}
    np.savez(tmp, jpgs=np.array(jpgs, dtype=object), boxes=np.array(boxes, dtype=object), seeds=np.array(seeds), **extra)
    os.replace(tmp, path)


if __name__ == '__main__':
    main()
