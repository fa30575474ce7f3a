/// <reference lib="webworker" />
/**
 * The bench's feed, off the page's main thread (as the hub is in real life): every vehicle moves at `hz`, and
 * frames leave every `frameMs` (the hub's KJ_HQ_FRAME_MS for the hq room) as a socket message carries them: JSON text,
 * and for positions a JSON header plus the binary frame (a Socket.IO binary attachment);
 * a KPI frame every ten seconds.
 */
import { encodePositionsFrame, type RoomDeltaV1 } from '@kanjian/shared';
import { FakeFleet } from './fake-fleet';

declare const self: DedicatedWorkerGlobalScope;

self.onmessage = (e: MessageEvent<{ vehicles: number; hz: number; frameMs: number; seed: number; seq: number }>) => {
  const { vehicles, hz, frameMs, seed } = e.data;
  let seq = e.data.seq;
  const fleet = new FakeFleet(vehicles, seed);
  // Every vehicle reports at `hz`; the hub sends one frame per room every `frameMs` with the vehicles whose
  // fix came in meanwhile: here, an even share of the fleet per frame.
  const framesPerReport = Math.max(1, Math.round(1000 / hz / frameMs));
  const share = Math.ceil(vehicles / framesPerReport);
  let frame = 0;
  setInterval(() => {
    const now = Date.now();
    const part = frame % framesPerReport;
    if (part === 0) fleet.advance(1 / hz);
    const from = part * share;
    const data = [];
    for (let i = from; i < Math.min(vehicles, from + share); i++) data.push(fleet.tuple(i, now));
    frame++;
    const bin = encodePositionsFrame(data);
    const header = { v: 1, room: 'hq', seq: ++seq, sentAt: now, kind: 'positions.bin', data: { _placeholder: true, num: 0 } };
    self.postMessage({ header: JSON.stringify(header), bin: bin.buffer }, [bin.buffer]);
    if (frame % (10 * framesPerReport) === 0) {
      const kpi: RoomDeltaV1 = { v: 1, room: 'hq', seq: ++seq, sentAt: now, kind: 'kpi', data: fleet.kpis(now) };
      self.postMessage({ header: JSON.stringify(kpi) });
    }
  }, frameMs);
};
