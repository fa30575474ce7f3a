"""Writes an evaluation set in the dataset format the worker's `eval` reads.

<out>/<clip>/video.mp4, camera.json, labels.json. Seeds start at 900001: training only ever uses seeds below
100000, so no held-out scene, camera, person or parcel was seen in training. The held-out set also varies
what training never did: frame rates of 20 and 30 fps (training clips are 25 fps) and 1280x720 and 800x600
sources (decoded and scaled by the worker).

A validation set for tuning the judgement (never the held-out set) comes from seeds 90001 and up: inside the
training range, but no detector frame is drawn from them (gen_dataset.py uses seeds 1-700).

Usage: /usr/bin/python3 make_heldout.py --out ../data/heldout --clips 50
       /usr/bin/python3 make_heldout.py --validation --out ../data/validation --clips 24 --gt-boxes
"""
import argparse
import os
import time

import numpy as np

import synth

FORMATS = [((640, 640), 25.0, 0.5), ((1280, 720), 30.0, 0.25), ((800, 600), 20.0, 0.25)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--first-seed', type=int)
    ap.add_argument('--clips', type=int, default=50)
    ap.add_argument('--validation', action='store_true', help='seeds from 90001: the tuning set, not the held-out set')
    ap.add_argument('--gt-boxes', action='store_true',
                    help="also write the renderer's boxes per frame: gt-boxes.json (end of the blur), gt-boxes-middle.json")
    a = ap.parse_args()
    if a.first_seed is None:
        a.first_seed = 90_001 if a.validation else 900_001
    if a.validation:
        assert 10_000 <= a.first_seed and a.first_seed + a.clips <= 100_000, 'validation seeds live in [10000, 100000), above the detector frames'
    else:
        assert a.first_seed >= 100_000, 'held-out seeds must not overlap the training range'
    t0 = time.time()
    counts = {}
    for k in range(a.clips):
        seed = a.first_seed + k
        rng = np.random.default_rng(seed)
        (W, H), fps, _ = FORMATS[rng.choice(len(FORMATS), p=[f[2] for f in FORMATS])]
        d = os.path.join(a.out, f'clip-{seed}')
        if os.path.exists(os.path.join(d, 'labels.json')):
            continue
        labels = synth.write_clip(seed, d, W, H, fps, duration=9.0, gt_boxes=a.gt_boxes)
        for e in labels['events'] + labels['negatives']:
            counts[e['kind']] = counts.get(e['kind'], 0) + 1
        print(f'{k + 1}/{a.clips} {d} {W}x{H}@{fps:g} {[e["kind"] for e in labels["events"]]} {time.time() - t0:.0f}s', flush=True)
    print('staged events:', counts)


if __name__ == '__main__':
    main()
