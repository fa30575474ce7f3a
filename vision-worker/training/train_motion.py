"""Trains the throw classifier over settled parcel motions (the worker's `models/throw-motion.json`).

Rows come from `node dist/eval/motions.main.js <dataset-dir>=<cache-dir>... --out rows.jsonl`: one per motion the
throw judge looked at in replayed clips, with its features (src/judge/motion-features.ts) and whether its span
overlaps a labelled throw. The model is sklearn's gradient boosting (Debian's python3-sklearn), written as plain
tree arrays that src/judge/motion-classifier.ts evaluates; the file carries examples with their log-odds so the
worker checks it reads the trees as sklearn does.

Out-of-fold probabilities (folds by clip: no clip's motions are both trained and scored) give a threshold that
maximises the row-level F1 of throws. Rows are not events (a throw's track can break into several motions), so the
shipped threshold is the one that scores best on the validation clips, event by event (`tune.main.js --model
<file>@<threshold>`), given with --threshold.

Usage: /usr/bin/python3 train_motion.py rows.jsonl... --out ../models/throw-motion.json [--folds 5] [--threshold 0.5]
"""
import argparse
import json
import time

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import GroupKFold

PARAMS = dict(n_estimators=200, max_depth=3, learning_rate=0.05, subsample=0.8, min_samples_leaf=5, random_state=0)


def load(paths):
    names, X, y, groups, geo = None, [], [], [], []
    for p in paths:
        with open(p) as f:
            head = json.loads(f.readline())
            if names is None:
                names = head['features']
            assert head['features'] == names, f'{p}: rows of another feature set'
            for line in f:
                r = json.loads(line)
                if r['label'] < 0:
                    continue  # touches a throw without holding its fall: neither a throw nor not one
                X.append(r['x'])
                y.append(r['label'])
                groups.append(r['clip'])
                geo.append(r['geometric'])
    return names, np.array(X, dtype=np.float64), np.array(y), np.array(groups), np.array(geo)


def f1_at(p, y, thr):
    pred = p >= thr
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    return (2 * tp / (2 * tp + fp + fn) if tp else 0.0), tp, fp, fn


def export(clf, names, X, threshold, training):
    trees = []
    for est in clf.estimators_[:, 0]:
        t = est.tree_
        trees.append(dict(
            feature=[int(v) for v in t.feature],
            threshold=[float(v) for v in t.threshold],
            left=[int(v) for v in t.children_left],
            right=[int(v) for v in t.children_right],
            value=[float(v) for v in t.value[:, 0, 0]],
        ))
    init = float(clf._raw_predict_init(X[:1])[0, 0])
    idx = np.linspace(0, len(X) - 1, 24).astype(int)
    checks = [dict(x=[float(v) for v in X[i]], logOdds=float(clf.decision_function(X[i:i + 1])[0])) for i in idx]
    return dict(kind='throw-motion-gbt', features=names, init=init, rate=float(clf.learning_rate), trees=trees,
                threshold=round(float(threshold), 3), checks=checks, training=training)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('rows', nargs='+')
    ap.add_argument('--out', required=True)
    ap.add_argument('--folds', type=int, default=5)
    ap.add_argument('--threshold', type=float, help='the shipped threshold (default: the out-of-fold row-level best)')
    ap.add_argument('--param', action='append', default=[], help='override a boosting parameter: name=value')
    a = ap.parse_args()
    for kv in a.param:
        k, v = kv.split('=')
        PARAMS[k] = type(PARAMS[k])(float(v)) if k in PARAMS else float(v)
    t0 = time.time()
    names, X, y, groups, geo = load(a.rows)
    clips = len(set(groups))
    print(f'{len(X)} motions from {clips} clips, {int(y.sum())} overlapping a throw; the geometry alone: F1 {f1_at(geo.astype(float), y, 0.5)}')
    oof = np.zeros(len(X))
    for tr, te in GroupKFold(n_splits=a.folds).split(X, y, groups):
        clf = GradientBoostingClassifier(**PARAMS).fit(X[tr], y[tr])
        oof[te] = clf.predict_proba(X[te])[:, 1]
    grid = np.round(np.arange(0.2, 0.81, 0.025), 3)
    scored = [(f1_at(oof, y, t), t) for t in grid]
    (best_f1, tp, fp, fn), thr = max(scored, key=lambda s: (s[0][0], -abs(s[1] - 0.5)))
    for (f, tp_, fp_, fn_), t in scored[::4]:
        print(f'  threshold {t:.3f}: out-of-fold F1 {f:.3f} ({tp_}/{fp_}/{fn_})')
    print(f'chosen threshold {thr:.3f}: out-of-fold F1 {best_f1:.3f} ({tp} found, {fp} false, {fn} missed)')
    clf = GradientBoostingClassifier(**PARAMS).fit(X, y)
    imp = sorted(zip(clf.feature_importances_, names), reverse=True)[:10]
    print('most used features:', ', '.join(f'{n} {v:.2f}' for v, n in imp))
    training = dict(rows=[p.split('/')[-1] for p in a.rows], motions=int(len(X)), clips=clips, throws=int(y.sum()),
                    params=PARAMS, folds=a.folds, oof_f1=round(best_f1, 3), oof_counts=[tp, fp, fn],
                    oof_threshold=float(thr), seconds=round(time.time() - t0, 1))
    if a.threshold is not None:
        thr = a.threshold
        training['threshold_from'] = 'the validation clips, event by event (tune.main.js --model)'
    with open(a.out, 'w') as f:
        json.dump(export(clf, names, X, thr, training), f, separators=(',', ':'))
    print(f'wrote {a.out} ({len(clf.estimators_)} trees) in {time.time() - t0:.0f}s')


if __name__ == '__main__':
    main()
