"""Trains the default sorting-floor detector (parcel, person) and exports it as an Ultralytics-style ONNX.

The exported graph takes `images` [1,3,S,S] (RGB, 0..1, letterboxed with grey 114) and returns `output0`
[1, 4 + classes, anchors]: cx, cy, w, h in input pixels, then per-class probabilities — the layout of
`yolo export format=onnx`, with `names`/`imgsz`/`stride`/`task` in the model metadata, so the worker treats
this model and an operator's own YOLO model the same way.

Usage: /usr/bin/python3 train.py --data ../data/det-train.npz --out ../models/detector.onnx --minutes 20
"""
import argparse
import json
import math
import os
import time

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
STRIDE = 8
# the motion plane's gain inside the network: moving pixels differ by ~0.05-0.3 in luma, so its zero-started weights
# need this many times the RGB planes' steps to matter (at gain 1 a 55-minute fine-tune left them unused)
MOTION_GAIN = 8.0
NAMES = {0: 'parcel', 1: 'person'}


def cbr(ci, co, k=3, s=1):
    return nn.Sequential(nn.Conv2d(ci, co, k, s, k // 2, bias=False), nn.BatchNorm2d(co), nn.ReLU(inplace=True))


class DW(nn.Module):
    """Depthwise-separable residual block: cheap receptive field."""

    def __init__(self, c):
        super().__init__()
        self.dw = nn.Sequential(nn.Conv2d(c, c, 3, 1, 1, groups=c, bias=False), nn.BatchNorm2d(c), nn.ReLU(inplace=True))
        self.pw = nn.Sequential(nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        return F.relu(x + self.pw(self.dw(x)))


class TinyDet(nn.Module):
    def __init__(self, nc=2, in_ch=3):
        super().__init__()
        self.nc = nc
        self.s2 = cbr(in_ch, 12, 3, 2)
        self.s4 = nn.Sequential(cbr(12, 24, 3, 2), DW(24))
        self.s8 = nn.Sequential(cbr(24, 48, 3, 2), DW(48), DW(48))
        self.s16 = nn.Sequential(cbr(48, 64, 3, 2), DW(64), DW(64))
        self.s32 = nn.Sequential(cbr(64, 96, 3, 2), DW(96), DW(96))
        self.lat16 = cbr(96 + 64, 64, 1)
        self.lat8 = cbr(64 + 48, 48, 1)
        self.fuse = nn.Sequential(cbr(48, 48, 3), DW(48))
        self.box = nn.Conv2d(48, 4, 1)
        self.cls = nn.Conv2d(48, nc, 1)
        nn.init.constant_(self.cls.bias, -4.0)

    def forward(self, x):
        if x.shape[1] == 4:
            x = torch.cat([x[:, :3], x[:, 3:] * MOTION_GAIN], 1)
        c8 = self.s8(self.s4(self.s2(x)))
        c16 = self.s16(c8)
        c32 = self.s32(c16)
        p16 = self.lat16(torch.cat([F.interpolate(c32, scale_factor=2.0, mode='nearest'), c16], 1))
        p8 = self.fuse(self.lat8(torch.cat([F.interpolate(p16, scale_factor=2.0, mode='nearest'), c8], 1)))
        return self.box(p8), self.cls(p8)  # raw ltrb (log, in strides), class logits


def grid(h, w):
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing='ij')
    return (xs + 0.5) * STRIDE, (ys + 0.5) * STRIDE


def decode_ltrb(box_raw, gx, gy):
    d = torch.exp(box_raw.clamp(max=6.0)) * STRIDE
    x1, y1 = gx - d[:, 0], gy - d[:, 1]
    x2, y2 = gx + d[:, 2], gy + d[:, 3]
    return torch.stack([x1, y1, x2, y2], 1)


class Export(nn.Module):
    """Wraps the net into the Ultralytics output layout [1, 4+nc, anchors] (cx, cy, w, h, probs)."""

    def __init__(self, net, S):
        super().__init__()
        self.net = net
        gx, gy = grid(S // STRIDE, S // STRIDE)
        self.register_buffer('gx', gx.reshape(1, -1))
        self.register_buffer('gy', gy.reshape(1, -1))

    def forward(self, x):
        b, c = self.net(x)
        n = b.shape[0]
        b = torch.exp(b.clamp(max=6.0)).reshape(n, 4, -1) * STRIDE
        x1, y1 = self.gx - b[:, 0], self.gy - b[:, 1]
        x2, y2 = self.gx + b[:, 2], self.gy + b[:, 3]
        boxes = torch.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], 1)
        return torch.cat([boxes, torch.sigmoid(c.reshape(n, c.shape[1], -1))], 1)


def giou(a, b):
    ix1, iy1 = torch.max(a[:, 0], b[:, 0]), torch.max(a[:, 1], b[:, 1])
    ix2, iy2 = torch.min(a[:, 2], b[:, 2]), torch.min(a[:, 3], b[:, 3])
    inter = (ix2 - ix1).clamp(min=0) * (iy2 - iy1).clamp(min=0)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a + area_b - inter + 1e-6
    iou = inter / union
    cx1, cy1 = torch.min(a[:, 0], b[:, 0]), torch.min(a[:, 1], b[:, 1])
    cx2, cy2 = torch.max(a[:, 2], b[:, 2]), torch.max(a[:, 3], b[:, 3])
    hull = (cx2 - cx1) * (cy2 - cy1) + 1e-6
    return iou - (hull - union) / hull, iou


def assign(boxes, gh, gw, radius=2.5):
    """Centre sampling: cells whose centre lies inside a box and within `radius` cells of its centre are its
    positives; a cell claimed by several boxes goes to the smallest. Returns (cls target map, box per cell)."""
    gx, gy = grid(gh, gw)
    cls_t = torch.zeros(2, gh, gw)
    box_t = torch.zeros(4, gh, gw)
    area_best = torch.full((gh, gw), float('inf'))
    for c, x1, y1, x2, y2 in boxes:
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        r = radius * STRIDE
        inside = (gx > x1) & (gx < x2) & (gy > y1) & (gy < y2) & ((gx - cx).abs() < r) & ((gy - cy).abs() < r)
        j, i = min(max(int(cx // STRIDE), 0), gw - 1), min(max(int(cy // STRIDE), 0), gh - 1)
        inside[i, j] = True
        area = (x2 - x1) * (y2 - y1)
        take = inside & (area < area_best)
        area_best[take] = area
        cls_t[:, take] = 0
        cls_t[int(c), take] = 1
        for k, v in enumerate((x1, y1, x2, y2)):
            box_t[k, take] = v
    return cls_t, box_t


def focal(logits, target, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, target, reduction='none')
    pt = p * target + (1 - p) * (1 - target)
    w = alpha * target + (1 - alpha) * (1 - target)
    return (w * (1 - pt) ** gamma * ce).sum()


def load(path, S, prev=False):
    d = np.load(path, allow_pickle=True)
    if prev and 'prev_jpgs' not in d:
        raise SystemExit(f'{path} has no previous frames: generate it with gen_dataset.py --prev')
    return d['jpgs'], d['boxes'], d['seeds'], (d['prev_jpgs'] if prev else None)


def luma_diff(cur, prev):
    """The motion channel: |luma(frame) - luma(previous frame)| in 0..1, from RGB 0..255 (BT.601 weights). The
    worker computes the same from its letterboxed input planes."""
    w = np.array([0.299, 0.587, 0.114], np.float32)
    return np.abs(cur @ w - prev @ w) / 255.0


def decode(jpg):
    return cv2.imdecode(np.frombuffer(jpg, np.uint8), cv2.IMREAD_COLOR)[:, :, ::-1].astype(np.float32)


def rescale(img, b, S, rng, lo=0.7, hi=1.3, prev=None):
    """Zoom in or out about a random point (grey 114 outside the frame): a 1280-wide source scaled to fit the
    input shows parcels smaller than any training camera did."""
    r = float(rng.uniform(lo, hi))
    ox, oy = rng.uniform(0, S * abs(1 - r), 2)
    dx, dy = (-ox, -oy) if r > 1 else (ox, oy)
    m = np.float32([[r, 0, dx], [0, r, dy]])
    out = cv2.warpAffine(np.ascontiguousarray(img), m, (S, S), flags=cv2.INTER_LINEAR, borderValue=(114, 114, 114))
    if prev is not None:
        prev = cv2.warpAffine(np.ascontiguousarray(prev), m, (S, S), flags=cv2.INTER_LINEAR, borderValue=(114, 114, 114))
    nb = b.copy()
    nb[:, [1, 3]] = b[:, [1, 3]] * r + dx
    nb[:, [2, 4]] = b[:, [2, 4]] * r + dy
    vis_w = np.clip(nb[:, 3], 0, S) - np.clip(nb[:, 1], 0, S)
    vis_h = np.clip(nb[:, 4], 0, S) - np.clip(nb[:, 2], 0, S)
    # a box cut by the frame edge keeps its visible part, as the renderer labels a box cut by the image edge
    keep = (vis_w >= 4) & (vis_h >= 4) & (vis_w * vis_h >= 12)
    nb[:, 1:] = np.clip(nb[:, 1:], 0, S)
    return out, nb[keep], prev


def batch(jpgs, boxes, idx, S, rng, augment, zoom=False, prev_jpgs=None):
    """With prev_jpgs, a fourth input plane: the motion channel (luma_diff), the previous frame augmented as its
    frame was."""
    imgs, cls_ts, box_ts = [], [], []
    for i in idx:
        img = decode(jpgs[i])
        prev = decode(prev_jpgs[i]) if prev_jpgs is not None else None
        if prev is not None and augment and rng.random() < 0.1:
            prev = img  # a camera's first frame, or a still one: no difference to go by
        b = np.array(boxes[i], np.float32).reshape(-1, 5).copy()
        if augment:
            if rng.random() < 0.5:
                img = img[:, ::-1]
                prev = prev[:, ::-1] if prev is not None else None
                b[:, [1, 3]] = S - b[:, [3, 1]]
            if zoom and rng.random() < 0.5:
                img, b, prev = rescale(img, b, S, rng, prev=prev)
            gain, shift, tint = rng.uniform(0.6, 1.4), rng.uniform(-25, 25), rng.uniform(0.85, 1.15, 3)
            img = (img * gain + shift) * tint
            prev = (prev * gain + shift) * tint if prev is not None else None
            if rng.random() < 0.3:
                k = int(rng.choice([3, 5]))
                img = cv2.GaussianBlur(np.ascontiguousarray(img), (k, k), 0)
                prev = cv2.GaussianBlur(np.ascontiguousarray(prev), (k, k), 0) if prev is not None else None
        img = np.clip(img, 0, 255)
        planes = img.transpose(2, 0, 1) / 255.0
        if prev is not None:
            planes = np.concatenate([planes, luma_diff(img, np.clip(prev, 0, 255))[None]], 0)
        imgs.append(planes)
        ct, bt = assign(b.tolist(), S // STRIDE, S // STRIDE)
        cls_ts.append(ct)
        box_ts.append(bt)
    return torch.tensor(np.stack(imgs), dtype=torch.float32), torch.stack(cls_ts), torch.stack(box_ts)


def quality_focal(logits, target, beta=2.0):
    """Quality focal loss: the class score learns the IoU of its box, so NMS keeps the best-placed box."""
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, target, reduction='none')
    return (ce * (target - p).abs().pow(beta)).sum()


def loss_fn(net, x, cls_t, box_t, iou_targets=False):
    box_raw, cls_raw = net(x)
    n, _, gh, gw = cls_raw.shape
    gx, gy = grid(gh, gw)
    pos = cls_t.sum(1) > 0  # n,gh,gw
    npos = max(1.0, float(pos.sum()))
    if pos.any():
        pred = decode_ltrb(box_raw, gx, gy)  # n,4,gh,gw
        p = pred.permute(0, 2, 3, 1)[pos]
        t = box_t.permute(0, 2, 3, 1)[pos]
        g, iou = giou(p, t)
        l_box = (1 - g).mean()
    else:
        l_box = torch.zeros(())
    if iou_targets and pos.any():
        soft = cls_t.clone().permute(0, 2, 3, 1)
        q = soft[pos]
        soft[pos] = q * iou.detach().clamp(min=0.05).unsqueeze(1)
        l_cls = quality_focal(cls_raw, soft.permute(0, 3, 1, 2)) / npos
    else:
        l_cls = focal(cls_raw, cls_t) / npos
    return l_cls + 2.0 * l_box, float(l_cls), float(l_box)


def nms(boxes, scores, iou_thr=0.5):
    order = np.argsort(-scores)
    keep = []
    while len(order):
        i = order[0]
        keep.append(i)
        xx1 = np.maximum(boxes[i, 0], boxes[order[1:], 0])
        yy1 = np.maximum(boxes[i, 1], boxes[order[1:], 1])
        xx2 = np.minimum(boxes[i, 2], boxes[order[1:], 2])
        yy2 = np.minimum(boxes[i, 3], boxes[order[1:], 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        a = (boxes[i, 2] - boxes[i, 0]) * (boxes[i, 3] - boxes[i, 1])
        b = (boxes[order[1:], 2] - boxes[order[1:], 0]) * (boxes[order[1:], 3] - boxes[order[1:], 1])
        order = order[1:][inter / (a + b - inter + 1e-6) < iou_thr]
    return keep


def match_frame(out, gt, c, conf=0.3):
    """One frame's detections of class c (an exported model's output, [4 + nc, anchors]) matched greedily to its
    labelled boxes at IoU 0.5: (detections kept after NMS, indices of the labelled boxes found)."""
    sc = out[4 + c]
    m = sc > conf
    bx = out[:4, m].T
    bx = np.stack([bx[:, 0] - bx[:, 2] / 2, bx[:, 1] - bx[:, 3] / 2, bx[:, 0] + bx[:, 2] / 2, bx[:, 1] + bx[:, 3] / 2], 1) if len(bx) else np.zeros((0, 4))
    keep = nms(bx, sc[m]) if len(bx) else []
    det = bx[keep]
    g = gt[gt[:, 0] == c, 1:]
    used = set()
    for d in det:
        best, bj = 0.0, -1
        for j, gg in enumerate(g):
            if j in used:
                continue
            ix = max(0, min(d[2], gg[2]) - max(d[0], gg[0])) * max(0, min(d[3], gg[3]) - max(d[1], gg[1]))
            u = (d[2] - d[0]) * (d[3] - d[1]) + (gg[2] - gg[0]) * (gg[3] - gg[1]) - ix
            if ix / u > best:
                best, bj = ix / u, j
        if best >= 0.5:
            used.add(bj)
    return len(det), used


def evaluate(exp, jpgs, boxes, idx, S, conf=0.3, prev_jpgs=None):
    """Precision/recall per class at IoU 0.5 on held-back frames."""
    stats = {c: [0, 0, 0] for c in NAMES}  # tp, fp, fn
    exp.eval()
    with torch.no_grad():
        for i in idx:
            x, _, _ = batch(jpgs, boxes, [i], S, None, False, prev_jpgs=prev_jpgs)
            out = exp(x)[0].numpy()
            gt = np.array(boxes[i], np.float32).reshape(-1, 5)
            for c in NAMES:
                n_det, used = match_frame(out, gt, c, conf)
                stats[c][0] += len(used)
                stats[c][1] += n_det - len(used)
                stats[c][2] += int((gt[:, 0] == c).sum()) - len(used)
    res = {}
    for c, (tp, fp, fn) in stats.items():
        res[NAMES[c]] = {'precision': round(tp / max(1, tp + fp), 4), 'recall': round(tp / max(1, tp + fn), 4), 'gt': tp + fn}
    return res


def load_onnx_weights(net, path):
    """Warm start from an exported model (the .pt of a run is not kept in the repo). The export folded each
    BatchNorm into the convolution before it, so the convolution takes the folded weights and its BatchNorm
    becomes a pure bias (unit scale, zero mean, unit variance)."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    convs = [n for n in m.graph.node if n.op_type == 'Conv']
    mods = list(net.named_modules())
    pairs = []  # (conv module, following BatchNorm or None)
    for k, (name, mod) in enumerate(mods):
        if isinstance(mod, nn.Conv2d):
            nxt = mods[k + 1][1] if k + 1 < len(mods) else None
            pairs.append((name, mod, nxt if isinstance(nxt, nn.BatchNorm2d) else None))
    if len(convs) != len(pairs):
        raise SystemExit(f'{path}: {len(convs)} convolutions, the network has {len(pairs)}: not this architecture')
    by_name = {name: (mod, bn) for name, mod, bn in pairs}
    rest = [(name, mod, bn) for name, mod, bn in pairs if bn is not None]
    folded = [n for n in convs if not n.input[1].startswith('net.')]
    if len(folded) != len(rest):
        raise SystemExit(f'{path}: {len(folded)} folded convolutions, expected {len(rest)}')
    with torch.no_grad():
        for node, (name, mod, bn) in zip(folded, rest):
            w, b = init[node.input[1]], init[node.input[2]]
            if name == 's2.0' and w.shape[1] == 3 and mod.weight.shape[1] == 4:
                # a three-channel model warm-starts a motion-channel one: the new plane starts with no say
                w = np.concatenate([w, np.zeros_like(w[:, :1])], 1)
            if tuple(w.shape) != tuple(mod.weight.shape):
                raise SystemExit(f'{path}: {node.input[1]} has shape {w.shape}, {name} needs {tuple(mod.weight.shape)}')
            mod.weight.copy_(torch.from_numpy(w))
            bn.weight.fill_(1.0)
            bn.bias.copy_(torch.from_numpy(b))
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
        for name in ('box', 'cls'):
            mod, _ = by_name[name]
            mod.weight.copy_(torch.from_numpy(init[f'net.{name}.weight']))
            mod.bias.copy_(torch.from_numpy(init[f'net.{name}.bias']))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--record', required=True)
    ap.add_argument('--size', type=int, default=320)
    ap.add_argument('--minutes', type=float, default=20)
    ap.add_argument('--batch', type=int, default=24)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--resume')
    ap.add_argument('--grow', action='store_true', help='reload --data at each epoch while gen_dataset.py is still adding clips')
    ap.add_argument('--init-onnx', help='warm start from an exported detector.onnx of the same architecture')
    ap.add_argument('--iou-targets', action='store_true', help='quality focal loss: scores learn box IoU')
    ap.add_argument('--zoom', action='store_true', help='zoom augmentation (0.7-1.3x about a random point)')
    ap.add_argument('--threads', type=int, default=2, help='torch threads (1 while data generation shares the cores)')
    ap.add_argument('--motion-channel', action='store_true',
                    help='a fourth input plane, |luma - previous luma| (needs a dataset from gen_dataset.py --prev)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    jpgs, boxes, seeds, prev_jpgs = load(a.data, a.size, a.motion_channel)
    in_ch = 4 if a.motion_channel else 3
    if a.grow:
        # the file is still being written (gen_dataset.py --save-every): hold back its first clips, which are final
        val_seeds = set(np.unique(seeds)[:30].tolist())
    else:
        val_seeds = set(np.unique(seeds)[-30:].tolist())  # the last clips' frames are held back for a detector check
    val = [i for i in range(len(jpgs)) if seeds[i] in val_seeds]
    train = [i for i in range(len(jpgs)) if seeds[i] not in val_seeds]
    data_mtime = os.path.getmtime(a.data)
    net = TinyDet(len(NAMES), in_ch)
    if a.resume:
        net.load_state_dict(torch.load(a.resume))
    elif a.init_onnx:
        load_onnx_weights(net, a.init_onnx)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=1e-4)
    budget = a.minutes * 60
    t0 = time.time()
    step, history = 0, []
    steps_per_epoch = len(train) // a.batch
    est_total = None
    epoch = 0
    while time.time() - t0 < budget:
        if a.grow and os.path.getmtime(a.data) != data_mtime:
            data_mtime = os.path.getmtime(a.data)
            jpgs, boxes, seeds, prev_jpgs = load(a.data, a.size, a.motion_channel)
            val = [i for i in range(len(jpgs)) if seeds[i] in val_seeds]
            train = [i for i in range(len(jpgs)) if seeds[i] not in val_seeds]
            steps_per_epoch = len(train) // a.batch
            print(f'reloaded {a.data}: {len(jpgs)} frames', flush=True)
        perm = rng.permutation(train)
        net.train()
        if a.init_onnx:
            # the folded BatchNorms hold no batch statistics: keep them as fixed affine layers while fine-tuning
            for mod in net.modules():
                if isinstance(mod, nn.BatchNorm2d):
                    mod.eval()
        for k in range(steps_per_epoch):
            elapsed = time.time() - t0
            if elapsed > budget:
                break
            frac = min(1.0, elapsed / budget)
            lr = a.lr * (0.5 * (1 + math.cos(math.pi * frac))) * min(1.0, (step + 1) / 100)
            for g in opt.param_groups:
                g['lr'] = lr
            x, ct, bt = batch(jpgs, boxes, perm[k * a.batch:(k + 1) * a.batch], a.size, rng, True, a.zoom, prev_jpgs)
            loss, lc, lb = loss_fn(net, x, ct, bt, a.iou_targets)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if step % 25 == 0:
                history.append({'step': step, 'epoch': epoch, 'seconds': round(elapsed), 'loss': round(float(loss), 4), 'cls': round(lc, 4), 'box': round(lb, 4), 'lr': lr})
                print(history[-1], flush=True)
        epoch += 1
    train_seconds = time.time() - t0
    torch.save(net.state_dict(), a.out.replace('.onnx', '.pt'))
    exp = Export(net.eval(), a.size).eval()
    metrics = evaluate(exp, jpgs, boxes, val, a.size, prev_jpgs=prev_jpgs)
    print('validation', metrics)
    dummy = torch.zeros(1, in_ch, a.size, a.size)
    torch.onnx.export(exp, dummy, a.out, opset_version=13, input_names=['images'], output_names=['output0'])
    import onnx
    m = onnx.load(a.out)
    meta = {
        'description': 'Kanjian default sorting-floor detector (synthetic training data)',
        'author': 'Kanjian',
        'task': 'detect',
        'stride': str(STRIDE),
        'batch': '1',
        'imgsz': str([a.size, a.size]),
        'names': str(NAMES),
    }
    if a.motion_channel:
        # how the worker fills the fourth plane; a model without this key takes the three RGB planes only
        meta['kanjian_motion_channel'] = 'absdiff_luma_bt601_previous_frame'
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(m, a.out)
    params = sum(p.numel() for p in net.parameters())
    record = {
        'model': a.out.split('/')[-1],
        'architecture': 'TinyDet: strided conv backbone with depthwise residual blocks, FPN to stride 8, anchor-free ltrb head',
        'parameters': params,
        'input': [1, in_ch, a.size, a.size],
        'output': [1, 4 + len(NAMES), (a.size // STRIDE) ** 2],
        'names': NAMES,
        'dataset': {'file': a.data.split('/')[-1], 'frames': len(jpgs), 'train_frames': len(train), 'val_frames': len(val),
                    'seed_range': [int(seeds.min()), int(seeds.max())], 'val_seeds': sorted(int(s) for s in val_seeds)},
        'resumed_from': (a.resume or a.init_onnx).split('/')[-1] if (a.resume or a.init_onnx) else None,
        'training': {'iou_targets': a.iou_targets, 'zoom': a.zoom, 'data_grew_while_training': a.grow, 'optimizer': 'AdamW', 'lr': a.lr, 'batch': a.batch, 'steps': step, 'epochs': epoch, 'seconds': round(train_seconds),
                     'threads': torch.get_num_threads(), 'torch': torch.__version__, 'loss': 'focal (cls) + 2 x GIoU (box), centre sampling r=2.5'},
        'validation_iou50_conf0.3': metrics,
        'history': history,
    }
    with open(a.record, 'w') as f:
        json.dump(record, f, indent=1)
    print('exported', a.out, params, 'parameters')


if __name__ == '__main__':
    main()
