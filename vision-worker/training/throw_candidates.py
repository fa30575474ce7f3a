"""Where each labelled throw is lost: in the tracks, or in the throw classifier.

Reads motion rows (`motions.main.js ... --out rows.jsonl`, the same rows `train_motion.py` trains on) of clips the
model never saw, and the model. For every labelled throw it asks whether some motion holds 3 or more frames of its
fall (row label 1) and, if so, the model's highest probability among those motions. A throw with no such motion
cannot be found by any classifier behind these tracks; one whose best motion scores under the threshold is the
classifier's to find.

Usage: /usr/bin/python3 throw_candidates.py --model ../models/throw-motion.json rows.jsonl... [--threshold 0.5]
"""
import argparse
import json
import math
import os

import numpy as np


def log_odds(model, x):
    s = model['init']
    for t in model['trees']:
        i = 0
        while t['left'][i] != -1:
            # sklearn compares features as float32
            i = t['left'][i] if np.float32(x[t['feature'][i]]) <= t['threshold'][i] else t['right'][i]
        s += model['rate'] * t['value'][i]
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('rows', nargs='+')
    ap.add_argument('--model', required=True)
    ap.add_argument('--threshold', type=float)
    a = ap.parse_args()
    with open(a.model) as f:
        model = json.load(f)
    thr = model['threshold'] if a.threshold is None else a.threshold
    # the file carries examples with sklearn's log-odds: read the trees as sklearn did, or stop
    for c in model['checks']:
        assert abs(log_odds(model, c['x']) - c['logOdds']) < 1e-6, f'{a.model}: the trees do not reproduce their checks'
    by_clip = {}
    for p in a.rows:
        with open(p) as f:
            head = json.loads(f.readline())
            assert head['features'] == model['features'], f'{p}: rows of another feature set than the model'
            for line in f:
                r = json.loads(line)
                by_clip.setdefault(r['clip'], []).append(r)
    counts = {'no motion holds its fall': 0, f'best motion under {thr}': 0, f'best motion at {thr} or more': 0}
    for clip, rows in sorted(by_clip.items()):
        with open(os.path.join(clip, 'labels.json')) as f:
            labels = [e for e in json.load(f)['events'] if e['kind'] == 'throw']
        for lab in labels:
            over = [r for r in rows if min(lab['endFrame'], r['endFrame']) - max(lab['startFrame'], r['startFrame']) >= 0]
            held = [r for r in over if r['label'] == 1]
            name = f"{os.path.basename(clip)} throw {lab['startFrame']}-{lab['endFrame']}"
            if not held:
                counts['no motion holds its fall'] += 1
                print(f'{name}: no motion holds 3+ frames of the fall ({len(over)} overlap it)')
                continue
            best = max(held, key=lambda r: log_odds(model, r['x']))
            p = 1 / (1 + math.exp(-log_odds(model, best['x'])))
            counts[f'best motion at {thr} or more' if p >= thr else f'best motion under {thr}'] += 1
            geo = 'the geometry found it' if any(r['geometric'] for r in held) else 'the geometry did not'
            print(f"{name}: best {p:.2f} ({best['trackId']} frames {best['startFrame']}-{best['endFrame']}; {geo})")
    print(', '.join(f'{k}: {v}' for k, v in counts.items()))


if __name__ == '__main__':
    main()
