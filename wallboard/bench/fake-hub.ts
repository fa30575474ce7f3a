import type { Network, RoomDeltaV1, RoomName, SubscribeAck } from '@kanjian/shared';
import type { LiveTransport } from '../src/realtime/live-transport';
import { FakeFleet } from './fake-fleet';

export interface FakeHubOptions {
  vehicles: number;
  /** Position fixes per vehicle per second. */
  hz: number;
  /** The hub's frame interval for the room (KJ_HQ_FRAME_MS: 1000 for hq; KJ_POSITION_FRAME_MS for the others). */
  frameMs: number;
  seed?: number;
}

/**
 * A local stand-in for the hub's `/live` namespace, for the renderer benchmark: an `hq` room whose snapshot
 * holds N vehicles, all of which then move at `hz`, in frames every `frameMs` as the hub coalesces them. The
 * frames are made in a worker and arrive as a socket.io message would (JSON text; positions as a JSON header and
 * a binary frame), so the page pays what a message costs it (the decode) and nothing a hub would do.
 */
export class FakeHub {
  readonly network: Network;
  private readonly fleet: FakeFleet;
  private worker: Worker | null = null;
  private deltaFns = new Set<(d: RoomDeltaV1) => void>();
  frames = 0;
  decodeMs: number[] = [];
  /** Decode plus the room state's apply (the positions read into the vehicle store), per positions frame. */
  handleMs: number[] = [];

  constructor(private readonly opts: FakeHubOptions) {
    this.fleet = new FakeFleet(opts.vehicles, opts.seed ?? 1);
    this.network = this.fleet.network;
  }

  start(): void {
    if (this.worker) return;
    this.worker = new Worker(new URL('./fake-hub-worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<{ header: string; bin?: ArrayBuffer }>) => {
      const t0 = performance.now();
      // What socket.io-parser does with a binary event: parse the JSON header, put the attachment in its place.
      const d = JSON.parse(e.data.header) as RoomDeltaV1;
      if (d.kind === 'positions.bin' && e.data.bin) d.data = e.data.bin;
      // At most an hour of frames at 1 Hz; past that the oldest half goes.
      this.decodeMs.push(performance.now() - t0);
      if (this.decodeMs.length > 3600) this.decodeMs.splice(0, 1800);
      for (const fn of this.deltaFns) fn(d);
      if (d.kind === 'positions.bin') {
        this.frames++;
        this.handleMs.push(performance.now() - t0);
        if (this.handleMs.length > 3600) this.handleMs.splice(0, 1800);
      }
    };
    this.worker.postMessage({ vehicles: this.opts.vehicles, hz: this.opts.hz, frameMs: this.opts.frameMs, seed: this.opts.seed ?? 1, seq: 0 });
  }

  stop(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  readonly transport: LiveTransport = {
    connected: true,
    subscribe: (room: RoomName): Promise<SubscribeAck> => {
      const now = Date.now();
      const ack: SubscribeAck = {
        ok: true,
        snapshot: { v: 1, room, seq: 0, at: new Date(now).toISOString(), vehicles: this.fleet.positions(now), feed: [], violations: [], alerts: this.fleet.alerts(), kpis: this.fleet.kpis(now) },
      };
      return Promise.resolve(JSON.parse(JSON.stringify(ack)) as SubscribeAck);
    },
    unsubscribe: () => undefined,
    onDelta: (fn) => {
      this.deltaFns.add(fn);
      return () => this.deltaFns.delete(fn);
    },
    onConnect: () => () => undefined,
    onDisconnect: () => () => undefined,
    onFailure: () => () => undefined,
  };
}
