/**
 * The HQ map screen, unchanged, fed by a local fake hub instead of the socket: what the renderer benchmark
 * (bench/wallboard-bench.mjs) drives in Chromium. Records every animation frame's interval and which frames
 * drew a positions update.
 */
import { createApp, h } from 'vue';
import HqMapScreen from '../src/screens/hq-map/hq-map-screen.vue';
import { NetworkIndex } from '../src/network/network-index';
import { networkIndex } from '../src/network/use-network';
import { LIVE_TRANSPORT } from '../src/realtime/live-socket';
import '../src/styles/wallboard.css';
import { FakeHub } from './fake-hub';

const params = new URLSearchParams(location.search);
const vehicles = Number(params.get('vehicles') ?? 20_000);
const hz = Number(params.get('hz') ?? 1);
const frameMs = Number(params.get('frameMs') ?? 1000);
const hub = new FakeHub({ vehicles, hz, frameMs, seed: 1 });
networkIndex.value = new NetworkIndex(hub.network);

// Preallocated, so recording a long run does not itself grow the heap being measured (about an hour at 60 fps).
const CAPACITY = 240_000;
const intervals = new Float32Array(CAPACITY);
/** 1 for the 3 frames after each positions frame arrived (decode, apply and any redraw land there). */
const afterUpdate = new Uint8Array(CAPACITY);
let count = 0;
let last = 0;
let sinceFrame = Number.POSITIVE_INFINITY;
let framesAtUpdate = -1;

function loop(ts: number) {
  if (last && count < CAPACITY) {
    intervals[count] = ts - last;
    if (hub.frames !== framesAtUpdate) {
      framesAtUpdate = hub.frames;
      sinceFrame = 0;
    }
    afterUpdate[count] = sinceFrame < 3 ? 1 : 0;
    sinceFrame++;
    count++;
  }
  last = ts;
  requestAnimationFrame(loop);
}

declare global {
  interface Window {
    __bench: {
      ready: boolean;
      vehicles: number;
      hz: number;
      frames(): { intervals: number[]; updateFrames: number[]; positionsFrames: number; decodeMs: number[]; handleMs: number[] };
      reset(): void;
    };
  }
}

window.__bench = {
  ready: false,
  vehicles,
  hz,
  frames: () => {
    const all = Array.from(intervals.subarray(0, count));
    const updateFrames: number[] = [];
    for (let i = 0; i < count; i++) if (afterUpdate[i]) updateFrames.push(i);
    return { intervals: all, updateFrames, positionsFrames: hub.frames, decodeMs: hub.decodeMs.slice(), handleMs: hub.handleMs.slice() };
  },
  reset: () => {
    count = 0;
    hub.decodeMs.length = 0;
    hub.handleMs.length = 0;
  },
};

const app = createApp({ render: () => h(HqMapScreen) });
app.provide(LIVE_TRANSPORT, hub.transport);
app.mount('#app');
hub.start();
requestAnimationFrame(loop);
setTimeout(() => (window.__bench.ready = true), 2000);
