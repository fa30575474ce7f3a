"""Synthetic sorting-floor clips with ground truth.

A small 3D scene (floor, conveyor, pillars, people made of boxes, parcels) is simulated with simple physics
and rendered through a pinhole camera with numpy/OpenCV. Every clip is fully determined by its seed, so the
training set and the held-out set are disjoint by construction (they draw seeds from disjoint ranges).

World units are centimetres and seconds, Z up, the floor is Z = 0.

Outputs per clip (see `write_clip`): video.mp4, camera.json (four marked floor points and their image
positions, surface height, fps), labels.json (throw/kick events with frame spans, plus the negatives that
were staged, for failure analysis). `render_frames` yields images with per-frame boxes for detector training.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
from dataclasses import dataclass, field

import cv2
import numpy as np

G = 981.0
PARCEL, PERSON = 0, 1
CLASS_NAMES = {PARCEL: 'parcel', PERSON: 'person'}


def norm(v):
    n = np.linalg.norm(v)
    return v / n if n > 1e-9 else v


# ----------------------------------------------------------------------------------------------- camera
@dataclass
class Camera:
    K: np.ndarray
    R: np.ndarray
    C: np.ndarray
    W: int
    H: int

    @property
    def P(self):
        return self.K @ np.hstack([self.R, (-self.R @ self.C)[:, None]])

    def to_cam(self, pts):
        return (pts - self.C) @ self.R.T

    def project(self, pts):
        pc = self.to_cam(pts)
        z = pc[:, 2]
        uv = (pc @ self.K.T)[:, :2] / np.maximum(z, 1e-6)[:, None]
        return uv, z


def look_at_camera(rng, W, H):
    cam_h = rng.uniform(280, 450)
    tilt = math.radians(rng.uniform(25, 55))
    az = rng.uniform(0, 2 * math.pi)
    target = np.array([rng.uniform(-40, 40), rng.uniform(20, 90), 0.0])
    d = cam_h * math.tan(tilt)
    C = target + np.array([d * math.cos(az), d * math.sin(az), cam_h])
    z = norm(target - C)
    x = norm(np.cross(z, np.array([0, 0, 1.0])))
    y = np.cross(z, x)
    roll = math.radians(rng.uniform(-6, 6))
    xr = math.cos(roll) * x + math.sin(roll) * y
    yr = -math.sin(roll) * x + math.cos(roll) * y
    R = np.stack([xr, yr, z])
    hfov = math.radians(rng.uniform(50, 72))
    f = (max(W, H) / 2) / math.tan(hfov / 2)
    K = np.array([[f, 0, W / 2], [0, f, H / 2], [0, 0, 1.0]])
    return Camera(K, R, C, W, H)


# ----------------------------------------------------------------------------------------------- boxes
@dataclass
class Box:
    center: np.ndarray
    axes: np.ndarray  # 3x3, rows are unit axes
    half: np.ndarray  # half extents along the axes
    color: np.ndarray  # BGR 0..255
    inst: int  # instance id for the ID buffer (0 = background / not labelled)

    def corners(self):
        s = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], dtype=float)
        return self.center + (s * self.half) @ self.axes


FACES = [(0, 1, 3, 2), (4, 5, 7, 6), (0, 1, 5, 4), (2, 3, 7, 6), (0, 2, 6, 4), (1, 3, 7, 5)]


def yaw_axes(yaw):
    c, s = math.cos(yaw), math.sin(yaw)
    return np.array([[c, s, 0], [-s, c, 0], [0, 0, 1.0]])


def rot_axis(axis, ang):
    axis = norm(np.asarray(axis, float))
    K = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + math.sin(ang) * K + (1 - math.cos(ang)) * K @ K


def segment_box(a, b, width, depth, lateral, color, inst):
    a, b = np.asarray(a, float), np.asarray(b, float)
    u = norm(b - a)
    lat = norm(lateral - np.dot(lateral, u) * u)
    f = np.cross(u, lat)
    return Box((a + b) / 2, np.stack([lat, f, u]), np.array([width / 2, depth / 2, np.linalg.norm(b - a) / 2]), color, inst)


LIGHT = norm(np.array([0.3, -0.4, 1.0]))


def render_boxes(img, ids, cam, boxes, light_gain=1.0):
    faces = []
    for bx in boxes:
        cs = bx.corners()
        uv, z = cam.project(cs)
        if np.any(z < 15):
            continue
        for f in FACES:
            fc = cs[list(f)].mean(axis=0)
            n = norm(fc - bx.center)
            if np.dot(n, cam.C - fc) <= 0:
                continue
            shade = 0.45 + 0.55 * max(0.0, float(np.dot(n, LIGHT)))
            faces.append((np.linalg.norm(cam.C - fc), uv[list(f)], bx.color * shade * light_gain, bx.inst))
    faces.sort(key=lambda x: -x[0])
    for _, poly, col, inst in faces:
        p = np.round(poly * 4).astype(np.int32)
        cv2.fillConvexPoly(img, p, tuple(float(c) for c in np.clip(col, 0, 255)), lineType=cv2.LINE_AA, shift=2)
        if ids is not None:
            cv2.fillConvexPoly(ids, p, int(inst), shift=2)


# ----------------------------------------------------------------------------------------------- actors
@dataclass
class Parcel:
    size: np.ndarray  # w, d, h
    color: np.ndarray
    pos: np.ndarray  # centre
    yaw: float
    state: str = 'rest'  # rest | belt | held | fly | slide | gone
    vel: np.ndarray = field(default_factory=lambda: np.zeros(3))
    tumble_axis: np.ndarray = field(default_factory=lambda: np.array([1.0, 0, 0]))
    tumble_rate: float = 0.0
    tumble: float = 0.0
    friction: float = 450.0
    inst: int = 0
    landed_at: float | None = None
    rest_at: float | None = None

    def box(self):
        ax = yaw_axes(self.yaw)
        if self.tumble:
            ax = ax @ rot_axis(self.tumble_axis, self.tumble).T
        return Box(self.pos.copy(), ax, self.size / 2, self.color, self.inst)


@dataclass
class Pose:
    x: float
    y: float
    phi: float
    lean: float = 0.0  # torso lean forward, rad
    squat: float = 0.0  # 0..1
    arm: float = 0.0  # arm angle from hanging (0) to forward (pi/2) to up
    walk_phase: float = 0.0
    walk_amp: float = 0.0
    kick: float | None = None  # kicking foot forward offset (cm); None when not kicking
    kick_lift: float = 0.0


class Person:
    def __init__(self, rng, inst, x, y, phi):
        self.inst = inst
        self.scale = rng.uniform(0.9, 1.1)
        vests = [(0, 120, 255), (200, 120, 30), (40, 160, 40), (30, 30, 200), (200, 200, 200), (40, 200, 230)]
        self.shirt = np.array(vests[rng.integers(len(vests))], float) * rng.uniform(0.7, 1.1)
        self.pants = np.array([rng.uniform(20, 90)] * 3) + rng.uniform(-10, 10, 3)
        self.skin = np.array([120, 160, 200.0]) * rng.uniform(0.6, 1.05)
        self.hair = np.array([20, 20, 25.0]) * rng.uniform(0.8, 1.5)
        self.pose = Pose(x, y, phi)

    def frame(self):
        p = self.pose
        fwd = np.array([math.cos(p.phi), math.sin(p.phi), 0.0])
        lat = np.array([-math.sin(p.phi), math.cos(p.phi), 0.0])
        up = np.array([0, 0, 1.0])
        return fwd, lat, up

    def joints(self):
        p, s = self.pose, self.scale
        fwd, lat, up = self.frame()
        base = np.array([p.x, p.y, 0.0])
        hip = base + up * (82 * s - 38 * s * p.squat) - fwd * 10 * p.squat
        tdir = math.cos(p.lean) * up + math.sin(p.lean) * fwd
        shoulder = hip + tdir * 58 * s
        arm_dir = -math.cos(p.arm) * up + math.sin(p.arm) * fwd
        hands = [shoulder + side * lat * 22 * s + arm_dir * 60 * s for side in (-1, 1)]
        feet = []
        for side in (-1, 1):
            off = side * math.sin(p.walk_phase) * p.walk_amp
            foot = base + side * lat * 11 * s + fwd * off
            if p.kick is not None and side == 1:
                foot = base + lat * 11 * s + fwd * p.kick + up * p.kick_lift
            feet.append(foot)
        return hip, shoulder, tdir, hands, feet

    def hands_mid(self):
        _, _, _, hands, _ = self.joints()
        return (hands[0] + hands[1]) / 2

    def boxes(self):
        p, s = self.pose, self.scale
        fwd, lat, up = self.frame()
        hip, shoulder, tdir, hands, feet = self.joints()
        out = []
        for side, foot in zip((-1, 1), feet):
            out.append(segment_box(hip + side * lat * 11 * s, foot, 15 * s, 16 * s, lat, self.pants, self.inst))
            out.append(Box(foot + fwd * 6 + up * 4, yaw_axes(p.phi), np.array([13, 6, 4.0]) * s, self.pants * 0.4, self.inst))
        out.append(segment_box(hip, shoulder, 42 * s, 24 * s, lat, self.shirt, self.inst))
        head_c = shoulder + tdir * 17 * s
        out.append(segment_box(head_c - tdir * 11 * s, head_c + tdir * 11 * s, 19 * s, 21 * s, lat, self.skin, self.inst))
        out.append(segment_box(head_c + tdir * 8 * s, head_c + tdir * 13 * s, 20 * s, 22 * s, lat, self.hair, self.inst))
        for side, hand in zip((-1, 1), hands):
            sh = shoulder + side * lat * 22 * s
            out.append(segment_box(sh, hand, 10 * s, 10 * s, lat, self.shirt * 0.9, self.inst))
        return out


def random_parcel(rng, inst):
    kind = rng.random()
    if kind < 0.6:  # carton
        size = np.array([rng.uniform(18, 60), rng.uniform(15, 50), rng.uniform(10, 45)])
        color = np.array([70, 120, 170.0]) * rng.uniform(0.7, 1.2) + rng.uniform(-15, 15, 3)
    elif kind < 0.85:  # poly mailer bag
        size = np.array([rng.uniform(20, 45), rng.uniform(15, 35), rng.uniform(4, 12)])
        palette = [(230, 230, 230), (40, 200, 230), (200, 120, 40), (60, 60, 60), (140, 80, 200), (80, 180, 80)]
        color = np.array(palette[rng.integers(len(palette))], float) * rng.uniform(0.8, 1.1)
    else:  # white/colour box
        size = np.array([rng.uniform(12, 40), rng.uniform(12, 40), rng.uniform(10, 35)])
        color = rng.uniform(60, 250, 3)
    return Parcel(size=size, color=np.clip(color, 0, 255), pos=np.zeros(3), yaw=rng.uniform(0, math.pi), inst=inst)


# ----------------------------------------------------------------------------------------------- scene
def smoothstep(a, b, t):
    if b <= a:
        return 1.0
    x = min(1.0, max(0.0, (t - a) / (b - a)))
    return x * x * (3 - 2 * x)


def lerp(a, b, w):
    return a + (b - a) * w


class Scene:
    def __init__(self, seed, W=640, H=640, fps=25.0, duration=8.0):
        self.rng = np.random.default_rng(seed)
        # sensor noise has its own stream so rendering a frame or not never changes the simulated story
        self.noise_rng = np.random.default_rng(seed + 7_919)
        rng = self.rng
        self.seed, self.W, self.H, self.fps = seed, W, H, fps
        self.dt = 1.0 / fps
        self.n_frames = int(round(duration * fps))
        self.cam = look_at_camera(rng, W, H)
        self.belt_y = rng.uniform(-120, -70)
        self.belt_w = rng.uniform(60, 100)
        self.belt_h = rng.uniform(60, 90)
        self.belt_speed = rng.uniform(40, 90) * (1 if rng.random() < 0.5 else -1)
        self.belt_color = np.array([50, 50, 55.0]) * rng.uniform(0.6, 1.4)
        self.frame_color = np.array([150, 150, 140.0]) * rng.uniform(0.6, 1.2)
        self.light = rng.uniform(0.55, 1.3)
        self.tint = rng.uniform(0.85, 1.15, 3)
        self.noise = rng.uniform(1.5, 7)
        self.blur_sub = 3
        self.next_inst = 1
        self.parcels: list[Parcel] = []
        self.people: list[Person] = []
        self.actions = []
        self.events = []  # labelled throw/kick
        self.negatives = []  # staged non-violations
        self.pillars = []
        for _ in range(rng.integers(0, 3)):
            px, py = rng.uniform(-300, 300), rng.uniform(120, 320) * (1 if rng.random() < 0.7 else -1.5)
            self.pillars.append(Box(np.array([px, py, 150.0]), yaw_axes(0), np.array([20, 20, 150.0]), rng.uniform(90, 200, 3), 0))
        gy, gx = np.mgrid[0:H, 0:W].astype(np.float32)
        ga = rng.uniform(0, 2 * math.pi)
        self.gradient = (1 + rng.uniform(0, 0.35) * ((np.cos(ga) * gx + np.sin(ga) * gy) / max(W, H) - 0.5))[:, :, None]
        self.background = self._floor()
        self.belt_offset = 0.0

    def inst(self):
        i = self.next_inst
        self.next_inst += 1
        return i

    def in_view(self, pt, margin=50):
        uv, z = self.cam.project(np.array([pt], float))
        u, v = uv[0]
        return z[0] > 50 and margin < u < self.W - margin and margin < v < self.H - margin

    def _floor(self):
        rng = self.rng
        tw, th = 1400, 1200  # texture covers X in [-700,700], Y in [-600,600], 1 px per cm
        base = rng.uniform(70, 180, 3)
        tex = np.ones((th, tw, 3), np.float32) * base
        noise = cv2.GaussianBlur(rng.normal(0, 1, (th // 8, tw // 8)).astype(np.float32), (0, 0), 3)
        tex += cv2.resize(noise, (tw, th))[:, :, None] * rng.uniform(5, 25)
        tex += rng.normal(0, 4, (th, tw, 1)).astype(np.float32)
        if rng.random() < 0.5:
            step = int(rng.uniform(50, 120))
            tex[::step, :, :] *= 0.8
            tex[:, ::step, :] *= 0.8
        for _ in range(rng.integers(0, 4)):  # painted safety lines
            y0 = int(rng.uniform(0, th))
            cv2.line(tex, (0, y0), (tw, y0 + int(rng.uniform(-200, 200))), (0, 200, 230), int(rng.uniform(5, 12)))
        tex = np.clip(tex, 0, 255).astype(np.uint8)
        # texture pixel (i, j) is floor point (j - 700, i - 600)
        T = np.array([[1, 0, -700], [0, 1, -600], [0, 0, 1.0]])
        P = self.cam.P
        Hf = P[:, [0, 1, 3]] @ T
        wall = tuple(int(c) for c in rng.uniform(60, 200, 3))
        return cv2.warpPerspective(tex, Hf, (self.W, self.H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=wall)

    def marked_points(self):
        """Four floor points a technician would mark (tape crosses), chosen inside the view."""
        rng = self.rng
        for _ in range(200):
            cx, cy = rng.uniform(-60, 60), rng.uniform(20, 140)
            hw, hh = rng.uniform(70, 160), rng.uniform(50, 110)
            pts = np.array([[cx - hw, cy - hh], [cx + hw, cy - hh], [cx + hw, cy + hh], [cx - hw, cy + hh]])
            uv, z = self.cam.project(np.hstack([pts, np.zeros((4, 1))]))
            if np.all(z > 0) and np.all((uv > 20) & (uv < [self.W - 20, self.H - 20])):
                return pts, uv
        raise RuntimeError('no visible calibration rectangle')

    # --- staging helpers
    def belt_edge_y(self, side):
        return self.belt_y + side * self.belt_w / 2

    def spawn_belt_parcel(self, x, t_spawn=0.0):
        p = random_parcel(self.rng, self.inst())
        p.size[2] = min(p.size[2], 40)
        p.size[1] = min(p.size[1], self.belt_w * 0.8)
        p.pos = np.array([x, self.belt_y + self.rng.uniform(-0.15, 0.15) * self.belt_w, self.belt_h + p.size[2] / 2])
        p.yaw = self.rng.uniform(-0.3, 0.3)
        p.state = 'belt'
        self.parcels.append(p)
        return p

    def spawn_floor_parcel(self, x, y):
        p = random_parcel(self.rng, self.inst())
        p.pos = np.array([x, y, p.size[2] / 2])
        p.state = 'rest'
        self.parcels.append(p)
        return p

    # --- physics
    def step_parcel(self, p, t):
        dt = self.dt / self.blur_sub
        if p.state == 'belt':
            p.pos[0] += self.belt_speed * dt
            p.pos[:2] += p.vel[:2] * dt
            if abs(p.pos[1] - self.belt_y) > self.belt_w / 2:
                p.state = 'fly'
                p.vel = np.array([self.belt_speed, p.vel[1], 0.0])
                p.tumble_axis = np.array([1.0, 0, 0])
                p.tumble_rate = math.copysign(self.rng.uniform(2, 5), p.vel[1])
            if abs(p.pos[0]) > 900:
                p.state = 'gone'
        elif p.state == 'fly':
            p.vel[2] -= G * dt
            p.pos += p.vel * dt
            p.tumble += p.tumble_rate * dt
            on_belt = abs(p.pos[1] - self.belt_y) < self.belt_w / 2 and p.pos[2] - p.size[2] / 2 < self.belt_h and p.vel[2] < 0 and p.pos[2] > self.belt_h - 5
            floor_hit = p.pos[2] - p.size[2] / 2 <= 0
            if floor_hit or on_belt:
                p.pos[2] = (self.belt_h if on_belt else 0) + p.size[2] / 2
                p.tumble = round(p.tumble / (math.pi / 2)) * (math.pi / 2)
                p.tumble = 0.0
                p.vel = np.array([p.vel[0] * 0.35, p.vel[1] * 0.35, 0.0])
                p.state = 'belt' if on_belt else 'slide'
                p.landed_at = t
        elif p.state == 'slide':
            sp = np.linalg.norm(p.vel[:2])
            dec = p.friction * dt
            if sp <= dec:
                p.vel[:] = 0
                p.state = 'rest'
                p.rest_at = t
            else:
                p.vel[:2] *= (sp - dec) / sp
                p.pos[:2] += p.vel[:2] * dt

    # --- rendering
    def render(self, t, want_ids=False):
        canvas = self.background.astype(np.float32)
        ids = np.zeros((self.H, self.W), np.int32) if want_ids else None
        boxes = list(self.pillars)
        # the conveyor as 25 cm slabs that move with the belt (a roller conveyor); slabs keep every face in
        # front of the camera plane, so no polygon clipping is needed
        off = (self.belt_speed * t) % 50
        for k, x0 in enumerate(np.arange(-725, 700, 25)):
            c = np.array([x0 + off, self.belt_y, self.belt_h / 2])
            col = self.belt_color if k % 2 == 0 else self.frame_color
            boxes.append(Box(c, np.eye(3), np.array([12.5, self.belt_w / 2 + 6, self.belt_h / 2]), col, 0))
        for person in self.people:
            boxes.extend(person.boxes())
        for p in self.parcels:
            if p.state not in ('gone',):
                boxes.append(p.box())
        render_boxes(canvas, ids, self.cam, boxes, self.light)
        return canvas, ids


# ----------------------------------------------------------------------------------------------- actions
class Action:
    """A scripted behaviour. `update(t)` moves its people and parcels; physics moves free parcels."""

    t0: float = 0.0
    t_end: float = 0.0

    def update(self, scene, t):
        raise NotImplementedError


def facing(dx, dy):
    return math.atan2(dy, dx)


class SorterHandling(Action):
    """A sorter takes a parcel from the belt, turns, and throws/drops it (label) or places it gently (negative)."""

    def __init__(self, scene, t0, x, mode):
        rng = scene.rng
        self.mode, self.t0 = mode, t0
        side = 1
        self.y = scene.belt_edge_y(side) + rng.uniform(30, 45)
        self.phi_belt = -math.pi / 2
        self.turn = rng.uniform(0.75, 1.0) * math.pi * (1 if rng.random() < 0.5 else -1)
        self.person = Person(rng, scene.inst(), x, self.y, self.phi_belt)
        scene.people.append(self.person)
        self.t_grab = t0 + rng.uniform(0.4, 0.7)
        self.t_turned = self.t_grab + rng.uniform(0.4, 0.7)
        self.t_release = self.t_turned + rng.uniform(0.25, 0.5)
        self.parcel = scene.spawn_belt_parcel(x - scene.belt_speed * self.t_grab)
        self.parcel.size = np.minimum(self.parcel.size, [45, 40, 35])
        self.grab_pos = None
        self.released = False
        if mode == 'throw':
            self.v_h = rng.uniform(150, 450) if rng.random() < 0.75 else rng.uniform(0, 60)
            self.v_z = rng.uniform(-20, 220) if self.v_h > 100 else 0.0
            self.arm_release = rng.uniform(1.05, 1.9)
        else:
            self.v_h, self.v_z = 0.0, 0.0
            self.target_bottom = rng.uniform(2, 22)
        self.t_end = self.t_release + 1.6
        self.event = None

    def pose_at(self, t):
        p = self.person.pose
        a = smoothstep(self.t0, self.t_grab, t)
        b = smoothstep(self.t_grab, self.t_turned, t)
        c = smoothstep(self.t_turned, self.t_release, t)
        back = smoothstep(self.t_release + 0.3, self.t_release + 1.2, t)
        p.phi = self.phi_belt + self.turn * b * (1 - back)
        if self.mode == 'throw':
            p.arm = lerp(lerp(0.0, 1.2, a), self.arm_release, c) * (1 - back)
            p.lean = 0.35 * a * (1 - b) + 0.1 * c * (1 - back)
        else:
            p.lean = lerp(0.35 * a * (1 - b), 1.05, c) * (1 - back)
            p.squat = 0.9 * c * (1 - back)
            p.arm = lerp(1.2 * a, 0.35, c) * (1 - back)

    def update(self, scene, t):
        self.pose_at(t)
        par = self.parcel
        if par.state == 'belt' and not self.released and t >= self.t_grab:
            par.state = 'held'
            self.grab_pos = par.pos.copy()
        if par.state == 'held':
            hm = self.person.hands_mid()
            fwd, _, _ = self.person.frame()
            target = hm + fwd * 4 - np.array([0, 0, 3.0])
            if self.mode == 'place':
                # the sorter lowers the parcel until its bottom is target_bottom above the floor
                target[2] = max(target[2], self.target_bottom + par.size[2] / 2)
            prev = par.pos.copy()
            par.pos = lerp(self.grab_pos, target, smoothstep(self.t_grab, self.t_grab + 0.25, t))
            par.vel = (par.pos - prev) / (scene.dt / scene.blur_sub)
            par.yaw = self.person.pose.phi
            if t >= self.t_release:
                self.released = True
                par.state = 'fly'
                fwd, lat, _ = self.person.frame()
                if self.mode == 'throw':
                    par.vel = fwd * self.v_h + np.array([0, 0, self.v_z]) + lat * scene.rng.uniform(-40, 40)
                    par.tumble_axis = lat
                    par.tumble_rate = scene.rng.uniform(-6, 6)
                else:
                    par.vel = np.zeros(3)
                bottom = par.pos[2] - par.size[2] / 2
                self.release_frame = int(round(t * scene.fps))
                self.release_bottom = bottom
        if self.released and par.landed_at is not None and self.event is None:
            land_frame = int(round(par.landed_at * scene.fps))
            if self.mode == 'throw':
                self.event = {'kind': 'throw', 'startFrame': max(0, self.release_frame - 3), 'endFrame': land_frame + 3,
                              'dropHeightCm': round(float(self.release_bottom), 1), 'variant': 'throw' if self.v_h > 100 else 'drop'}
                scene.events.append(self.event)
            else:
                self.event = {'kind': 'place', 'startFrame': self.release_frame, 'endFrame': land_frame,
                              'dropHeightCm': round(float(self.release_bottom), 1)}
                scene.negatives.append(self.event)


class Walker:
    """Moves a person along waypoints at a walking pace; returns True while walking."""

    @staticmethod
    def walk(person, start, end, t, t0, speed):
        d = np.asarray(end) - np.asarray(start)
        dist = float(np.linalg.norm(d))
        dur = dist / speed
        w = min(1.0, max(0.0, (t - t0) / dur)) if dur > 0 else 1.0
        pos = np.asarray(start) + d * w
        person.pose.x, person.pose.y = float(pos[0]), float(pos[1])
        if dist > 1:
            person.pose.phi = facing(d[0], d[1])
        walking = 0 < w < 1
        person.pose.walk_amp = 22.0 if walking else lerp(person.pose.walk_amp, 0.0, 0.3)
        person.pose.walk_phase = (t - t0) * speed / 22.0
        return t0 + dur


class FloorInteraction(Action):
    """A person walks to a parcel lying on the floor and kicks it (label), nudges it, picks it up, or walks past."""

    def __init__(self, scene, t0, spot, mode):
        rng = scene.rng
        self.mode, self.t0 = mode, t0
        self.parcel = scene.spawn_floor_parcel(*spot)
        self.parcel.size[2] = min(self.parcel.size[2], 35)
        self.parcel.pos[2] = self.parcel.size[2] / 2
        ang = rng.uniform(0, 2 * math.pi)
        self.dir = np.array([math.cos(ang), math.sin(ang)])
        reach = self.parcel.size[:2].max() / 2 + 22
        if mode == 'walkpast':
            perp = np.array([-self.dir[1], self.dir[0]]) * rng.uniform(35, 60)
            self.stand = np.asarray(spot) - self.dir * 10 + perp
            self.start = self.stand - self.dir * rng.uniform(120, 200)
            self.away = self.stand + self.dir * 250
        else:
            self.stand = np.asarray(spot) - self.dir * reach
            self.start = self.stand - self.dir * rng.uniform(90, 170)
            self.away = self.stand - np.array([-self.dir[1], self.dir[0]]) * 200
        self.person = Person(rng, scene.inst(), *self.start, facing(*self.dir))
        scene.people.append(self.person)
        self.speed = rng.uniform(90, 150)
        self.t_arrive = t0 + np.linalg.norm(self.stand - self.start) / self.speed
        self.kick_speed = rng.uniform(220, 480) if mode == 'kick' else rng.uniform(25, 60)
        self.parcel.friction = rng.uniform(300, 650)
        self.t_contact = self.t_arrive + rng.uniform(0.3, 0.5)
        self.t_end = self.t_contact + 2.0
        self.event = None
        self.contact_done = False
        self.lift_base = None

    def update(self, scene, t):
        person, par = self.person, self.parcel
        if t < self.t_arrive or self.mode == 'walkpast':
            Walker.walk(person, self.start, self.away if self.mode == 'walkpast' else self.stand, t, self.t0, self.speed)
            if self.mode == 'walkpast' and self.event is None and t > self.t_arrive:
                self.event = {'kind': 'walkpast', 'startFrame': int(self.t0 * scene.fps), 'endFrame': int(t * scene.fps)}
                scene.negatives.append(self.event)
            return
        pose = person.pose
        pose.walk_amp = 0.0
        if self.mode == 'kick':
            wind = smoothstep(self.t_arrive, self.t_contact - 0.12, t)
            swing = smoothstep(self.t_contact - 0.12, self.t_contact, t)
            recover = smoothstep(self.t_contact + 0.1, self.t_contact + 0.5, t)
            pose.kick = (-30 * wind + 70 * swing) * (1 - recover)
            pose.kick_lift = 14 * swing * (1 - recover)
            if t >= self.t_contact and not self.contact_done:
                self.contact_done = True
                v = self.dir * self.kick_speed
                par.vel = np.array([v[0], v[1], 0.0]) + np.array([*scene.rng.uniform(-30, 30, 2), 0])
                par.state = 'slide'
                self.contact_frame = int(round(t * scene.fps))
            if self.contact_done and par.rest_at is not None and self.event is None:
                self.event = {'kind': 'kick', 'startFrame': max(0, self.contact_frame - 2), 'endFrame': int(round(par.rest_at * scene.fps)) + 2,
                              'speedCmS': round(self.kick_speed)}
                scene.events.append(self.event)
        elif self.mode == 'nudge':
            push = smoothstep(self.t_arrive, self.t_contact, t)
            pose.kick = 25 * push
            if self.t_arrive + 0.05 < t < self.t_contact + 0.4:
                par.state = 'slide'
                par.friction = 0.0
                par.vel = np.array([*(self.dir * self.kick_speed), 0.0])
            elif t >= self.t_contact + 0.4 and par.state == 'slide':
                par.vel[:] = 0
                par.state = 'rest'
                if self.event is None:
                    self.event = {'kind': 'nudge', 'startFrame': int(self.t_arrive * scene.fps), 'endFrame': int(t * scene.fps)}
                    scene.negatives.append(self.event)
        elif self.mode == 'pickup':
            down = smoothstep(self.t_arrive, self.t_contact, t)
            up = smoothstep(self.t_contact + 0.2, self.t_contact + 0.9, t)
            pose.squat = 0.95 * down * (1 - up)
            pose.lean = 0.9 * down * (1 - up) + 0.05
            pose.arm = 0.3 * down * (1 - up) + 1.2 * up
            if t >= self.t_contact:
                if self.lift_base is None:
                    self.lift_base = par.pos.copy()
                if t > self.t_contact + 1.0:
                    Walker.walk(person, self.stand, self.away, t, self.t_contact + 1.0, self.speed * 0.8)
                hm = person.hands_mid()
                fwd, _, _ = person.frame()
                par.state = 'held'
                target = np.array([hm[0] + fwd[0] * 6, hm[1] + fwd[1] * 6, max(hm[2] - 4, par.size[2] / 2)])
                par.pos = lerp(self.lift_base, target, smoothstep(self.t_contact, self.t_contact + 0.3, t))
                if self.event is None:
                    self.event = {'kind': 'pickup', 'startFrame': int(self.t_arrive * scene.fps), 'endFrame': int((self.t_contact + 1.5) * scene.fps)}
                    scene.negatives.append(self.event)


class SlideOff(Action):
    """A parcel drifts sideways off the belt and falls to the floor with nobody near: not a person's throw."""

    def __init__(self, scene, t0, x):
        self.t0 = t0
        self.parcel = scene.spawn_belt_parcel(x - scene.belt_speed * t0)
        self.side = -1 if scene.rng.random() < 0.6 else 1
        self.lat_speed = scene.rng.uniform(40, 90)
        self.t_end = t0 + 2.5
        self.event = None
        self.started = False

    def update(self, scene, t):
        par = self.parcel
        if t >= self.t0 and not self.started and par.state == 'belt':
            self.started = True
            par.vel = np.array([0, self.side * self.lat_speed, 0.0])
            self.start_frame = int(t * scene.fps)
        if self.started and par.landed_at is not None and self.event is None:
            self.event = {'kind': 'slideoff', 'startFrame': self.start_frame, 'endFrame': int(par.landed_at * scene.fps) + 2,
                          'dropHeightCm': round(scene.belt_h, 1)}
            scene.negatives.append(self.event)


# ----------------------------------------------------------------------------------------------- clips
MODES = [('throw', 0.27), ('kick', 0.27), ('place', 0.12), ('slideoff', 0.1), ('nudge', 0.08), ('walkpast', 0.06), ('pickup', 0.1)]


def build_scene(seed, W=640, H=640, fps=25.0, duration=8.0):
    for attempt in range(50):
        sc = Scene(seed * 100 + attempt, W, H, fps, duration)
        rng = sc.rng
        n_events = int(rng.integers(1, 4))
        modes = rng.choice([m for m, _ in MODES], size=n_events, p=[w for _, w in MODES])
        x_slots = list(rng.permutation([-130.0, 0.0, 130.0]))
        floor_slots = list(rng.permutation([[-140.0, 150.0], [0.0, 200.0], [140.0, 150.0], [-60.0, 260.0], [80.0, 280.0]]))
        t = rng.uniform(0.2, 1.0)
        ok = True
        for mode in modes:
            if mode in ('throw', 'place'):
                x = x_slots.pop() + rng.uniform(-25, 25)
                a = SorterHandling(sc, t, x, mode)
                ok &= sc.in_view([x, a.y, 100]) and sc.in_view([x, a.y + 150, 0], 30)
            elif mode == 'slideoff':
                x = x_slots.pop() + rng.uniform(-20, 20)
                a = SlideOff(sc, t + 0.5, x)
                ok &= sc.in_view([x, sc.belt_y, sc.belt_h])
            else:
                s = floor_slots.pop()
                spot = (s[0] + rng.uniform(-30, 30), s[1] + rng.uniform(-30, 30))
                a = FloorInteraction(sc, t, spot, mode)
                ok &= sc.in_view([*spot, 0], 60) and sc.in_view([*a.start, 80], 0)
            sc.actions.append(a)
            t = min(duration - 4.3, t + rng.uniform(0.4, 2.2))
        if not ok:
            continue
        # background flow on the belt and idle parcels on the floor
        for k in range(int(rng.integers(2, 8))):
            sc.spawn_belt_parcel(rng.uniform(-600, 600))
        for _ in range(int(rng.integers(0, 3))):
            p = sc.spawn_floor_parcel(rng.uniform(-250, 250), rng.uniform(60, 320) * (1 if rng.random() < 0.8 else -1.6))
            if not sc.in_view(p.pos, 0):
                p.state = 'gone'
        return sc
    raise RuntimeError(f'seed {seed}: no viewable layout')


def simulate(sc, on_frame, want=lambda fi: True, want_ids=False, label_at=('end',)):
    """Steps the scene; calls on_frame(frame_index, image_uint8, ids) with motion blur from sub-frames.

    `ids`: the instance-id buffers of the sub-frames named in `label_at`, keyed by name, from one render pass:
    'end' (the last sub-frame, as the shipped model was trained) and 'middle' (the centre of the motion blur,
    so a fast parcel's box is where its streak is)."""
    sub = sc.blur_sub
    at = {'end': sub - 1, 'middle': sub // 2}
    label_subs = {at[n]: n for n in label_at}
    for fi in range(sc.n_frames):
        acc = None
        ids = {}
        draw = on_frame is not None and want(fi)
        for s in range(sub):
            t = (fi + (s + 1) / sub) * sc.dt
            for a in sc.actions:
                a.update(sc, t)
            held = {id(a.parcel) for a in sc.actions if getattr(a, 'parcel', None) is not None and a.parcel.state == 'held'}
            for p in sc.parcels:
                if id(p) not in held and p.state not in ('held', 'waiting'):
                    sc.step_parcel(p, t)
            if draw:
                img, idb = sc.render(t, want_ids=want_ids and s in label_subs)
                acc = img if acc is None else acc + img
                if idb is not None:
                    ids[label_subs[s]] = idb
        # where each staged act's parcel is in the image, per frame: labels say which parcel an act moved
        for a in sc.actions:
            par = getattr(a, 'parcel', None)
            if par is not None:
                uv, _ = sc.cam.project(np.array([par.pos], float))
                a.__dict__.setdefault('image_path', {})[fi] = [round(float(uv[0, 0]), 1), round(float(uv[0, 1]), 1)]
        if draw:
            img = acc / sub
            img = img * sc.tint * sc.gradient
            img += sc.noise_rng.normal(0, sc.noise, img.shape).astype(np.float32)
            on_frame(fi, np.clip(img, 0, 255).astype(np.uint8), ids)
    last = sc.n_frames - 1
    for a in sc.actions:
        if getattr(a, 'event', None) is None and getattr(a, 'contact_done', False) and a.mode == 'kick':
            a.event = {'kind': 'kick', 'startFrame': max(0, a.contact_frame - 2), 'endFrame': last, 'speedCmS': round(a.kick_speed), 'unfinished': True}
            sc.events.append(a.event)
        if getattr(a, 'event', None) is None and getattr(a, 'released', False) and a.mode == 'throw':
            a.event = {'kind': 'throw', 'startFrame': max(0, a.release_frame - 3), 'endFrame': last, 'dropHeightCm': round(float(a.release_bottom), 1), 'unfinished': True}
            sc.events.append(a.event)
    for a in sc.actions:
        ev, path = getattr(a, 'event', None), getattr(a, 'image_path', None)
        if ev is not None and path:
            ev['parcelPath'] = [path[f] for f in range(ev['startFrame'], ev['endFrame'] + 1) if f in path]


def boxes_from_ids(sc, ids, min_px=12):
    out = []
    people = {p.inst for p in sc.people}
    for inst in np.unique(ids):
        if inst == 0:
            continue
        ys, xs = np.nonzero(ids == inst)
        if len(xs) < min_px:
            continue
        x1, y1, x2, y2 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
        if (x2 - x1) < 4 or (y2 - y1) < 4:
            continue
        out.append([PERSON if inst in people else PARCEL, float(x1), float(y1), float(x2), float(y2)])
    return out


def write_clip(seed, out_dir, W=640, H=640, fps=25.0, duration=8.0, crf=21, gt_boxes=False):
    sc = build_scene(seed, W, H, fps, duration)
    os.makedirs(out_dir, exist_ok=True)
    gt = {'end': [], 'middle': []}
    ff = subprocess.Popen(['ffmpeg', '-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'bgr24',
                           '-s', f'{W}x{H}', '-r', str(fps), '-i', 'pipe:0', '-c:v', 'libx264', '-preset', 'veryfast',
                           '-crf', str(crf), '-pix_fmt', 'yuv420p', os.path.join(out_dir, 'video.mp4')], stdin=subprocess.PIPE)
    def on_frame(fi, img, ids):
        ff.stdin.write(img.tobytes())
        if gt_boxes:
            for name, frames in gt.items():
                frames.append([[int(c), round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1)]
                               for c, x1, y1, x2, y2 in boxes_from_ids(sc, ids[name])])

    simulate(sc, on_frame, want_ids=gt_boxes, label_at=('end', 'middle'))
    ff.stdin.close()
    if ff.wait() != 0:
        raise RuntimeError('ffmpeg failed')
    floor_pts, img_pts = sc.marked_points()
    cam = {'imagePoints': np.round(img_pts, 2).tolist(), 'floorPointsCm': floor_pts.round(1).tolist(), 'surfaceHeightCm': 0,
           'fps': fps, 'width': W, 'height': H}
    with open(os.path.join(out_dir, 'camera.json'), 'w') as f:
        json.dump(cam, f, indent=1)
    labels = {'seed': seed, 'events': sc.events, 'negatives': sc.negatives}
    with open(os.path.join(out_dir, 'labels.json'), 'w') as f:
        json.dump(labels, f, indent=1)
    if gt_boxes:
        # the renderer's own boxes (visible extent, in video pixels) per frame: lets the evaluation run the
        # tracker and the judges on perfect detections, separating detector error from judgement error. Two
        # samplings of the same frames: the blur's leading end (gt-boxes.json) and its centre
        # (gt-boxes-middle.json), so the judges' sensitivity to the instant a box is taken can be measured.
        for name, frames in gt.items():
            fn = 'gt-boxes.json' if name == 'end' else f'gt-boxes-{name}.json'
            with open(os.path.join(out_dir, fn), 'w') as f:
                json.dump({'classes': CLASS_NAMES, 'frames': frames}, f, separators=(',', ':'))
    return labels
