import { z } from 'zod';
import type { AlertSummaryV1, FeedItemV1, KpiValueV1, ViolationSummaryV1 } from '../api/summaries';

/** The Socket.IO namespace wallboards connect to. */
export const LIVE_NAMESPACE = '/live';

export type RoomName = 'hq' | `region:${string}` | `site:${string}` | `floor:${string}`;
export const RoomNameSchema = z
  .string()
  .regex(/^(hq|(region|site|floor):[A-Za-z0-9][A-Za-z0-9_.:-]{0,63})$/, 'must be hq, region:<id>, site:<id> or floor:<id>')
  .transform((s) => s as RoomName);

export type RoomKind = 'hq' | 'region' | 'site' | 'floor';
export function parseRoom(room: RoomName): { kind: RoomKind; id: string | null } {
  if (room === 'hq') return { kind: 'hq', id: null };
  const i = room.indexOf(':');
  return { kind: room.slice(0, i) as RoomKind, id: room.slice(i + 1) };
}

/**
 * A vehicle's latest position, as a tuple to keep 20,000-vehicle frames small:
 * [vehicleId, lat, lon, speedKmh, heading, atMs, tempC|null].
 */
export type PositionTuple = [string, number, number, number, number, number, number | null];

export * from './positions-frame';

/**
 * Positions come in two forms: `positions` (JSON tuples) for small frames, `positions.bin` (a binary positions
 * frame, see positions-frame.ts: a Buffer in Node, an ArrayBuffer in the browser) for large ones such as the
 * national map's. `visitDeltaPositions` / `deltaPositions` read either.
 */
export type DeltaV1 =
  | { kind: 'positions'; data: PositionTuple[] }
  | { kind: 'positions.bin'; data: ArrayBuffer | Uint8Array }
  | { kind: 'feed'; data: FeedItemV1[] }
  | { kind: 'violation'; data: ViolationSummaryV1 }
  | { kind: 'alert'; data: AlertSummaryV1 }
  | { kind: 'kpi'; data: KpiValueV1[] };

/** Every delta carries its room's sequence number: a client that sees seq jump by more than 1 re-snapshots. */
export type RoomDeltaV1 = { v: 1; room: RoomName; seq: number; sentAt: number } & DeltaV1;

export interface RoomSnapshotV1 {
  v: 1;
  room: RoomName;
  /** The room's sequence number at the time of the snapshot; deltas continue from seq + 1. */
  seq: number;
  at: string;
  vehicles: PositionTuple[];
  feed: FeedItemV1[];
  violations: ViolationSummaryV1[];
  alerts: AlertSummaryV1[];
  kpis: KpiValueV1[];
}

export type SubscribeAck = { ok: true; snapshot: RoomSnapshotV1 } | { ok: false; code: string; message: string };

export interface ServerToClientEvents {
  'delta.v1': (delta: RoomDeltaV1) => void;
  'session.expired': () => void;
}

export interface ClientToServerEvents {
  'subscribe.v1': (req: { room: string }, ack: (res: SubscribeAck) => void) => void;
  'unsubscribe.v1': (req: { room: string }, ack?: (res: { ok: boolean }) => void) => void;
}
