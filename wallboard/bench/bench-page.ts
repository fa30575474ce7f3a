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

const intervals: number[] = [];
/** Index into `intervals` of the 3 frames after each positions frame arrived (decode, apply and any redraw land there). */
const updateFrames: number[] = [];
let last = 0;
let sinceFrame = Number.POSITIVE_INFINITY;
let framesAtUpdate = -1;


function loop(ts: number) {
  if (last) {
    intervals.push(ts - last);
    if (hub.frames !== framesAtUpdate) {
      framesAtUpdate = hub.frames;
      sinceFrame = 0;
    }
    if (sinceFrame < 3) updateFrames.push(intervals.length - 1);
    sinceFrame++;
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
      frames(): { intervals: number[]; updateFrames: number[]; positionsFrames: number; decodeMs: number[] };
      reset(): void;
    };
  }
}

window.__bench = {
  ready: false,
  vehicles,
  hz,
  frames: () => ({ intervals: intervals.slice(), updateFrames: updateFrames.slice(), positionsFrames: hub.frames, decodeMs: hub.decodeMs.slice() }),
  reset: () => {
    intervals.length = 0;
    updateFrames.length = 0;
    hub.decodeMs.length = 0;
  },
};

const app = createApp({ render: () => h(HqMapScreen) });
app.provide(LIVE_TRANSPORT, hub.transport);
app.mount('#app');
hub.start();
requestAnimationFrame(loop);
setTimeout(() => (window.__bench.ready = true), 2000);
