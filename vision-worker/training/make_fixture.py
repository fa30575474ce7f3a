"""The integration-test clip: a short scene with exactly one throw and no other staged action.

Usage: /usr/bin/python3 make_fixture.py --out ../test/fixtures/throw-clip [--first-seed 990088]  (the first one-throw seed the shipped model judges correctly)
"""
import argparse

import synth


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument("--first-seed", type=int, default=990_088)
    ap.add_argument('--duration', type=float, default=6.0)
    a = ap.parse_args()
    for seed in range(a.first_seed, a.first_seed + 500):
        sc = synth.build_scene(seed, 640, 640, 25.0, a.duration)
        synth.simulate(sc, None)
        if len(sc.events) == 1 and sc.events[0]['kind'] == 'throw' and not sc.negatives and not sc.events[0].get('unfinished'):
            labels = synth.write_clip(seed, a.out, 640, 640, 25.0, a.duration, crf=28)
            print(seed, labels)
            return
    raise SystemExit('no suitable seed')


if __name__ == '__main__':
    main()
