import type { RoomDeltaV1, RoomName, SubscribeAck } from '@kanjian/shared';
import type { LiveTransport, TransportFailure } from '../realtime/live-transport';

interface PendingSubscribe {
  room: RoomName;
  resolve: (ack: SubscribeAck) => void;
  reject: (err: Error) => void;
}

/** An in-memory transport for unit tests: the test plays the hub (answers subscribes, sends deltas). */
export class FakeTransport implements LiveTransport {
  connected = true;
  readonly subscribes: PendingSubscribe[] = [];
  readonly unsubscribed: RoomName[] = [];
  private deltaFns = new Set<(d: RoomDeltaV1) => void>();
  private connectFns = new Set<() => void>();
  private disconnectFns = new Set<(reason: string) => void>();
  private failureFns = new Set<(f: TransportFailure) => void>();

  subscribe(room: RoomName): Promise<SubscribeAck> {
    return new Promise((resolve, reject) => this.subscribes.push({ room, resolve, reject }));
  }
  unsubscribe(room: RoomName): void {
    this.unsubscribed.push(room);
  }
  onDelta(fn: (d: RoomDeltaV1) => void) {
    this.deltaFns.add(fn);
    return () => this.deltaFns.delete(fn);
  }
  onConnect(fn: () => void) {
    this.connectFns.add(fn);
    return () => this.connectFns.delete(fn);
  }
  onDisconnect(fn: (reason: string) => void) {
    this.disconnectFns.add(fn);
    return () => this.disconnectFns.delete(fn);
  }
  onFailure(fn: (f: TransportFailure) => void) {
    this.failureFns.add(fn);
    return () => this.failureFns.delete(fn);
  }

  /** Answers the oldest pending subscribe. */
  answer(ack: SubscribeAck): void {
    const p = this.subscribes.shift();
    if (!p) throw new Error('no pending subscribe');
    p.resolve(ack);
  }
  failNext(message = 'timeout'): void {
    const p = this.subscribes.shift();
    if (!p) throw new Error('no pending subscribe');
    p.reject(new Error(message));
  }
  send(d: RoomDeltaV1): void {
    for (const fn of this.deltaFns) fn(d);
  }
  drop(reason = 'transport close'): void {
    this.connected = false;
    for (const fn of this.disconnectFns) fn(reason);
  }
  reconnect(): void {
    this.connected = true;
    for (const fn of this.connectFns) fn();
  }
  fail(f: TransportFailure): void {
    for (const fn of this.failureFns) fn(f);
  }
  get listenerCount(): number {
    return this.deltaFns.size + this.connectFns.size + this.disconnectFns.size + this.failureFns.size;
  }
}

/** Lets promise callbacks run. */
export const flush = () => new Promise<void>((r) => setTimeout(r, 0));
