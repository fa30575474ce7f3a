"""Detectors compared on the same held-back frames, with the parcels split by whether they move.

A parcel counts as moving when the mean luma difference to the previous frame inside its box exceeds 0.04 (0..1):
parcels in flight, in the hands and sliding, where the judges need the boxes most, and fast belt parcels. Needs a
data file from gen_dataset.py --prev. A model name ending in `:blank` runs a 4-plane model with the previous frame
replaced by the frame itself (no difference), to see whether it uses the plane.

Usage: /usr/bin/python3 frame_eval.py ../data/det-motion.npz --seeds 1771:1800 ../models/detector.onnx other.onnx[:blank] ...
"""
import argparse

import numpy as np
import onnx
import torch

import train as T

MOVING = 0.04


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('data')
    ap.add_argument('models', nargs='+')
    ap.add_argument('--seeds', required=True, help='first:last seed of the frames to score (inclusive): seeds no model trained on')
    ap.add_argument('--conf', type=float, default=0.3)
    a = ap.parse_args()
    lo, hi = (int(v) for v in a.seeds.split(':'))
    jpgs, boxes, seeds, prevs = T.load(a.data, 320, True)
    idx = [i for i in range(len(jpgs)) if lo <= seeds[i] <= hi]
    if not idx:
        raise SystemExit(f'{a.data} has no frames of seeds {lo}-{hi}')
    print(f'{len(idx)} frames of seeds {lo}-{hi}')
    for spec in a.models:
        path, _, mode = spec.partition(':')
        if mode not in ('', 'blank'):
            raise SystemExit(f'{spec}: the only option after the model is ":blank"')
        in_ch = onnx.load(path).graph.input[0].type.tensor_type.shape.dim[1].dim_value
        net = T.TinyDet(len(T.NAMES), in_ch)
        T.load_onnx_weights(net, path)
        exp = T.Export(net.eval(), 320).eval()
        found = {'moving': [0, 0], 'still': [0, 0]}  # found, labelled
        n_det = n_tp = 0
        person = [0, 0, 0]  # found, labelled, detections
        with torch.no_grad():
            for i in idx:
                fed = None if in_ch == 3 else (jpgs if mode == 'blank' else prevs)
                x, _, _ = T.batch(jpgs, boxes, [i], 320, None, False, prev_jpgs=fed)
                out = exp(x)[0].numpy()
                gt = np.array(boxes[i], np.float32).reshape(-1, 5)
                nd, used = T.match_frame(out, gt, 0, a.conf)
                n_det, n_tp = n_det + nd, n_tp + len(used)
                diff = T.luma_diff(T.decode(jpgs[i]), T.decode(prevs[i]))
                for j, (x1, y1, x2, y2) in enumerate(np.round(gt[gt[:, 0] == 0, 1:]).astype(int)):
                    patch = diff[max(0, y1):max(y1 + 1, y2), max(0, x1):max(x1 + 1, x2)]
                    k = 'moving' if patch.size and patch.mean() > MOVING else 'still'
                    found[k][0] += j in used
                    found[k][1] += 1
                nd, used = T.match_frame(out, gt, 1, a.conf)
                person = [person[0] + len(used), person[1] + int((gt[:, 0] == 1).sum()), person[2] + nd]
        rec = ', '.join(f'{k} {f}/{n} = {f / max(1, n):.3f}' for k, (f, n) in found.items())
        print(f'{spec}: parcel precision {n_tp / max(1, n_det):.3f}, recall {rec}; '
              f'person precision {person[0] / max(1, person[2]):.3f} recall {person[0] / max(1, person[1]):.3f}', flush=True)


if __name__ == '__main__':
    main()
