import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  encodePositionsFrame,
  readPositionsFrame,
  type DeltaV1,
  type FeedItemV1,
  type PositionTuple,
  type RoomDeltaV1,
  type RoomName,
  type RoomSnapshotV1,
  type ServerToClientEvents,
  type ClientToServerEvents,
} from '@kanjian/shared';
import type { Redis } from 'ioredis';
import type { Namespace } from 'socket.io';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { MetricsService } from '../common/metrics.service';
import { EventWriter, type StoredEvent } from '../ingest/event-writer';
import { REDIS, RedisKeys } from '../redis/redis.module';
import { feedItem, positionTuple, RoomRouter } from './room-router';
import { SnapshotContributors } from './snapshot-contributors';

export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents>;

const FEED_KEEP = 50;
/** Latest positions are persisted for snapshots once a second, not on every frame. */
const POSITION_PERSIST_MS = 1000;
/** A vehicle silent this long drops out of snapshots. */
const POSITION_TTL_MS = 6 * 3600_000;
/** Upper bound on how long a room's domain part (violations, alerts, KPIs) is reused for snapshots. */
const DOMAIN_PART_MS = 5000;

type DomainPart = Pick<RoomSnapshotV1, 'violations' | 'alerts' | 'kpis'>;

interface RoomPending {
  positions: Map<string, PositionTuple>;
  feed: FeedItemV1[];
}

/**
 * Pushes committed events to rooms. Positions are coalesced per room (the latest position of each vehicle) and
 * sent as one frame per room per interval; every delta carries the room's sequence number, kept in Redis so that
 * all hub instances number a room's deltas from one counter.
 */
@Injectable()
export class LivePublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(LivePublisher.name);
  private ns: LiveNamespace | null = null;
  private pending = new Map<RoomName, RoomPending>();
  private lastFrame = new Map<RoomName, number>();
  /**
   * The latest position of every vehicle this hub has taken in: its share of the snapshot store, written to Redis
   * once a second as one binary frame under a key of its own (hubs behind a round-robin each hold part of the
   * fleet; snapshots merge the parts, newest position winning).
   */
  private mine = new Map<string, PositionTuple>();
  private mineChanged = false;
  /** Unique per process: two hubs with the same instance id (pid 1 in two containers) must not overwrite each other. */
  private readonly posKey: string;
  private timers: NodeJS.Timeout[] = [];
  /** Latest positions by room, read from Redis at most once a second however many screens join at once. */
  private positionIndex: { at: number; byRoom: Promise<Map<RoomName, PositionTuple[]>> } | null = null;
  private ticking = false;
  /**
   * A room's domain part, tagged with the room's state counter read before it was queried. Screens join in
   * storms (a hub restart reconnects every wall at once): 2,000 joins must not be 6,000 database queries.
   */
  private domainParts = new Map<RoomName, { state: string | null; at: number; part: Promise<DomainPart> }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly writer: EventWriter,
    private readonly router: RoomRouter,
    private readonly contributors: SnapshotContributors,
    private readonly metrics: MetricsService,
  ) {
    this.posKey = keys.key('pos', `${config.instanceId}-${randomBytes(4).toString('hex')}`);
  }

  onModuleInit() {
    this.writer.onCommitted((rows) => this.onCommitted(rows));
    this.timers.push(setInterval(() => void this.tick(), Math.min(this.config.KJ_POSITION_FRAME_MS, this.config.KJ_HQ_FRAME_MS)));
    this.timers.push(setInterval(() => void this.persistPositions(), POSITION_PERSIST_MS));
    for (const t of this.timers) t.unref();
  }

  onApplicationShutdown() {
    for (const t of this.timers) clearInterval(t);
  }

  attach(ns: LiveNamespace) {
    this.ns = ns;
  }

  private room(r: RoomName): RoomPending {
    let p = this.pending.get(r);
    if (!p) this.pending.set(r, (p = { positions: new Map(), feed: [] }));
    return p;
  }

  onCommitted(rows: StoredEvent[]) {
    for (const r of rows) {
      if (r.event.type === 'vehicle.position') {
        const t = positionTuple(r.event);
        // A back-filled (older) position must not move the vehicle back on the map.
        const shown = this.mine.get(t[0]);
        if (shown && shown[5] > t[5]) continue;
        this.mine.set(t[0], t);
        this.mineChanged = true;
        for (const room of this.router.vehicleRooms(t[0])) this.room(room).positions.set(t[0], t);
      } else {
        const rooms = this.router.feedRooms(r);
        if (rooms.length === 0) continue;
        const item = feedItem(r);
        for (const room of rooms) this.room(room).feed.push(item);
      }
    }
  }

  /**
   * One frame per room with anything new, at most once per the room's interval: the national map (hq) wants the
   * whole fleet once a second; a region, site or floor screen follows its vehicles more closely.
   */
  private async tick() {
    if (this.ticking || this.pending.size === 0) return;
    this.ticking = true;
    const now = Date.now();
    const batch = new Map<RoomName, RoomPending>();
    for (const [room, p] of this.pending) {
      const interval = room === 'hq' ? this.config.KJ_HQ_FRAME_MS : this.config.KJ_POSITION_FRAME_MS;
      // A little slack so a room is not pushed to the next tick by timer jitter.
      if (now - (this.lastFrame.get(room) ?? 0) < interval - 10) continue;
      batch.set(room, p);
      this.pending.delete(room);
      this.lastFrame.set(room, now);
    }
    try {
      const deltas: [RoomName, DeltaV1][] = [];
      for (const [room, p] of batch) {
        if (p.positions.size) deltas.push([room, this.positionsDelta([...p.positions.values()])]);
        if (p.feed.length) deltas.push([room, { kind: 'feed', data: p.feed }]);
      }
      await this.emitMany(deltas);
      const feedPipe = this.redis.pipeline();
      for (const [room, p] of batch) {
        if (!p.feed.length) continue;
        const k = this.keys.key('feed', room);
        feedPipe.lpush(k, ...p.feed.map((f) => JSON.stringify(f)));
        feedPipe.ltrim(k, 0, FEED_KEEP - 1);
      }
      if (feedPipe.length) await feedPipe.exec();
    } catch (e) {
      this.log.warn(`live tick failed: ${(e as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  /**
   * A large frame (the national map's: the whole fleet) goes out binary: half the bytes, and screens read it
   * without parsing JSON. A small one (region, site, floor: many screens, a few hundred vehicles) stays JSON,
   * which Socket.IO frames once for all the room's sockets; a binary message is framed again for each socket.
   */
  private positionsDelta(tuples: PositionTuple[]): DeltaV1 {
    if (tuples.length < this.config.KJ_BINARY_FRAME_MIN) return { kind: 'positions', data: tuples };
    return { kind: 'positions.bin', data: positionsFrame(tuples) };
  }

  /** Emits deltas, numbering each room's from the shared counter (one Redis round trip for all of them). */
  async emitMany(deltas: [RoomName, DeltaV1][]) {
    if (deltas.length === 0) return;
    const pipe = this.redis.pipeline();
    const seqAt: number[] = [];
    for (const [room, d] of deltas) {
      seqAt.push(pipe.length);
      pipe.incr(this.keys.key('seq', room));
      // A change to what snapshots carry besides positions and the feed: cached domain parts of the room are void.
      if (d.kind !== 'positions' && d.kind !== 'positions.bin' && d.kind !== 'feed') pipe.incr(this.keys.key('state', room));
    }
    const res = await pipe.exec();
    const sentAt = Date.now();
    deltas.forEach(([room, d], i) => {
      const seq = Number(res?.[seqAt[i]!]?.[1]);
      const msg = { v: 1, room, seq, sentAt, ...d } as RoomDeltaV1;
      this.ns?.to(room).emit('delta.v1', msg);
      this.metrics.framesSent.inc({ kind: d.kind });
    });
  }

  /** For other domains (alerts, violations, KPIs): one delta to each room, numbered like the rest. */
  publish(rooms: RoomName[], delta: DeltaV1): Promise<void> {
    return this.emitMany(rooms.map((r) => [r, delta]));
  }

  /**
   * One SET of this hub's whole share (≈0.5 MB for 20,000 vehicles) and an index entry, instead of a hash field per
   * vehicle: 20,000 JSON strings a second were a measurable share of the hub's CPU on both the writing and the
   * snapshot side. Vehicles silent past POSITION_TTL_MS are dropped from the share.
   */
  private async persistPositions() {
    if (!this.mineChanged) return;
    this.mineChanged = false;
    const now = Date.now();
    const cutoff = now - POSITION_TTL_MS;
    for (const [id, t] of this.mine) if (t[5] < cutoff) this.mine.delete(id);
    const index = this.keys.key('pos-index');
    try {
      await this.redis
        .multi()
        .set(this.posKey, positionsFrame([...this.mine.values()]), 'PX', POSITION_TTL_MS)
        .zadd(index, now, this.posKey)
        .zremrangebyscore(index, '-inf', cutoff)
        .exec();
    } catch (e) {
      this.mineChanged = true;
      this.log.warn(`could not persist positions: ${(e as Error).message}`);
    }
  }

  /** The room's state now. Call after the socket joined: deltas after `seq` then follow without a gap. */
  async snapshot(room: RoomName): Promise<RoomSnapshotV1> {
    const [[seq, state], byRoom, feed] = await Promise.all([
      this.redis.mget(this.keys.key('seq', room), this.keys.key('state', room)),
      this.positionsByRoom(),
      this.redis.lrange(this.keys.key('feed', room), 0, FEED_KEEP - 1),
    ]);
    return {
      v: 1,
      room,
      seq: Number(seq ?? 0),
      at: new Date().toISOString(),
      vehicles: byRoom.get(room) ?? [],
      feed: feed.map((f) => JSON.parse(f) as FeedItemV1),
      ...(await this.domainPart(room, state ?? null)),
    };
  }

  /**
   * The domains' part of a snapshot, shared by joins while the room's state counter is unchanged (at most
   * DOMAIN_PART_MS). The counter is read before the queries run and every domain delta increments it after its
   * write committed, so a reused part is never older than the sequence number it is served with.
   */
  private domainPart(room: RoomName, state: string | null): Promise<DomainPart> {
    const hit = this.domainParts.get(room);
    if (hit && hit.state === state && Date.now() - hit.at < DOMAIN_PART_MS) return hit.part;
    const part = (async () => {
      const scratch: RoomSnapshotV1 = { v: 1, room, seq: 0, at: '', vehicles: [], feed: [], violations: [], alerts: [], kpis: [] };
      for (const c of this.contributors.all) await c(room, scratch);
      return { violations: scratch.violations, alerts: scratch.alerts, kpis: scratch.kpis };
    })();
    this.domainParts.set(room, { state, at: Date.now(), part });
    part.catch(() => this.domainParts.get(room)?.part === part && this.domainParts.delete(room));
    return part;
  }

  private positionsByRoom(): Promise<Map<RoomName, PositionTuple[]>> {
    if (this.positionIndex && Date.now() - this.positionIndex.at < POSITION_PERSIST_MS) return this.positionIndex.byRoom;
    const byRoom = this.loadPositions().then((latest) => {
      const out = new Map<RoomName, PositionTuple[]>();
      for (const t of latest.values()) {
        for (const room of this.router.vehicleRooms(t[0])) {
          let list = out.get(room);
          if (!list) out.set(room, (list = []));
          list.push(t);
        }
      }
      return out;
    });
    this.positionIndex = { at: Date.now(), byRoom };
    byRoom.catch(() => (this.positionIndex = null));
    return byRoom;
  }

  /** Every hub's share merged: the newest position of each vehicle heard from in the last POSITION_TTL_MS. */
  private async loadPositions(): Promise<Map<string, PositionTuple>> {
    const cutoff = Date.now() - POSITION_TTL_MS;
    const parts = await this.redis.zrangebyscore(this.keys.key('pos-index'), cutoff, '+inf');
    const frames = await Promise.all(parts.map((k) => this.redis.getBuffer(k)));
    const latest = new Map<string, PositionTuple>();
    frames.forEach((frame, i) => {
      if (!frame) return;
      try {
        readPositionsFrame(frame, (id, lat, lon, speed, heading, at, temp) => {
          if (at < cutoff) return;
          const prev = latest.get(id);
          if (!prev || prev[5] < at) latest.set(id, [id, lat, lon, speed, heading, at, temp]);
        });
      } catch (e) {
        // One unreadable share must not blank every screen's map.
        this.log.warn(`positions share ${parts[i]} is unreadable: ${(e as Error).message}`);
      }
    });
    return latest;
  }
}

/**
 * Positions go out as a binary frame: a Node Buffer over the encoded bytes (no copy), which Socket.IO sends as a
 * binary attachment and the Redis adapter passes on as raw bytes rather than walking 20,000 tuples.
 */
function positionsFrame(tuples: PositionTuple[]): Buffer {
  const bytes = encodePositionsFrame(tuples);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
