import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { IngestEvent, VehiclePosition } from '@kanjian/shared';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { MetricsService } from '../common/metrics.service';
import { pgArray } from '../database/pg-array';

/** An event ready to store, with what the hot path already resolved about it. */
export interface StoredEvent {
  event: IngestEvent;
  subjectKind: string;
  subjectId: string;
  siteId: string | null;
  waybillNo: string | null;
}

interface Pending {
  rows: StoredEvent[];
  resolve: (inserted: StoredEvent[]) => void;
  reject: (e: unknown) => void;
}

export type CommitListener = (inserted: StoredEvent[]) => void;

/** Past this many buffered events new requests are refused with 503 instead of growing memory without bound. */
const MAX_BUFFERED = 400_000;
/** Flushes in flight at once: one writing while the next fills keeps both the database and Node busy. */
const MAX_IN_FLIGHT = 2;

/**
 * The ingest hot path's only contact with the database: requests' events are buffered and written together,
 * one multi-row INSERT … SELECT FROM unnest(…) per table per flush, inside one transaction. A request is answered
 * only after the flush holding its events has committed, so an acknowledged event is durable. Duplicates (same
 * id, or for positions the same vehicle at the same instant) are skipped by ON CONFLICT DO NOTHING, and RETURNING
 * tells which rows were new.
 */
@Injectable()
export class EventWriter implements BeforeApplicationShutdown {
  private readonly log = new Logger(EventWriter.name);
  private queue: Pending[] = [];
  private queuedRows = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners: CommitListener[] = [];
  private closed = false;
  private idle: (() => void)[] = [];
  lastFlushAt: Date | null = null;

  constructor(
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  get buffered(): number {
    return this.queuedRows;
  }

  onCommitted(fn: CommitListener) {
    this.listeners.push(fn);
  }

  /** Resolves with the rows that were new once they are committed; rejects if they could not be stored. */
  write(rows: StoredEvent[]): Promise<StoredEvent[]> {
    if (rows.length === 0) return Promise.resolve([]);
    if (this.closed) return Promise.reject(new AppError('service/unavailable', 'hub is shutting down; retry on another instance'));
    if (this.queuedRows + rows.length > MAX_BUFFERED) {
      return Promise.reject(new AppError('service/unavailable', 'ingest buffer full; retry shortly'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queuedRows += rows.length;
      this.metrics.buffered.set(this.queuedRows);
      if (this.queuedRows >= this.config.KJ_INGEST_FLUSH_ROWS) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.config.KJ_INGEST_FLUSH_MS);
    });
  }

  private kick() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.queue.length > 0 && this.inFlight < MAX_IN_FLIGHT) {
      const batch = this.take();
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) {
          if (this.queuedRows >= this.config.KJ_INGEST_FLUSH_ROWS || this.closed) this.kick();
          else this.timer ??= setTimeout(() => this.kick(), this.config.KJ_INGEST_FLUSH_MS);
        } else if (this.inFlight === 0) this.idle.splice(0).forEach((f) => f());
      });
    }
  }

  /** Whole requests, up to the flush size (a request's events are never split across flushes). */
  private take(): Pending[] {
    const out: Pending[] = [];
    let n = 0;
    while (this.queue.length > 0 && (out.length === 0 || n + this.queue[0]!.rows.length <= this.config.KJ_INGEST_FLUSH_ROWS)) {
      const p = this.queue.shift()!;
      n += p.rows.length;
      out.push(p);
    }
    this.queuedRows -= n;
    this.metrics.buffered.set(this.queuedRows);
    return out;
  }

  private async flush(batch: Pending[]) {
    const rows = batch.flatMap((p) => p.rows);
    const t0 = process.hrtime.bigint();
    let inserted: Set<string>;
    try {
      inserted = await this.insert(rows);
    } catch (e) {
      this.log.error(`flush of ${rows.length} events failed: ${(e as Error).message}`);
      const err = new AppError('service/unavailable', 'could not store the events; nothing was kept, retry the batch');
      for (const p of batch) p.reject(err);
      return;
    }
    this.metrics.flushSeconds.observe(Number(process.hrtime.bigint() - t0) / 1e9);
    this.metrics.flushRows.observe(rows.length);
    this.lastFlushAt = new Date();
    const fresh: StoredEvent[] = [];
    for (const p of batch) {
      const mine = p.rows.filter((r) => inserted.has(r.event.id));
      fresh.push(...mine);
      p.resolve(mine);
    }
    for (const l of this.listeners) {
      try {
        l(fresh);
      } catch (e) {
        this.log.error(`commit listener failed: ${(e as Error).message}`);
      }
    }
  }

  private async insert(rows: StoredEvent[]): Promise<Set<string>> {
    const pos: VehiclePosition[] = [];
    const other: StoredEvent[] = [];
    for (const r of rows) {
      if (r.event.type === 'vehicle.position') pos.push(r.event);
      else other.push(r);
    }
    const inserted = new Set<string>();
    const qr = this.ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      if (pos.length > 0) {
        const res: { id: string }[] = await qr.query(
          `INSERT INTO vehicle_positions (at, vehicle_id, id, lat, lon, speed_kmh, heading, temp_c, humidity_pct, trip_id, backfill)
           SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::uuid[], $4::float8[], $5::float8[], $6::real[], $7::real[],
                                $8::real[], $9::real[], $10::text[], $11::bool[])
           ON CONFLICT DO NOTHING RETURNING id`,
          [
            pgArray(pos.map((p) => p.at)),
            pgArray(pos.map((p) => p.vehicleId)),
            pgArray(pos.map((p) => p.id)),
            pgArray(pos.map((p) => p.lat)),
            pgArray(pos.map((p) => p.lon)),
            pgArray(pos.map((p) => p.speedKmh)),
            pgArray(pos.map((p) => p.heading)),
            pgArray(pos.map((p) => p.tempC ?? null)),
            pgArray(pos.map((p) => p.humidityPct ?? null)),
            pgArray(pos.map((p) => p.tripId ?? null)),
            pgArray(pos.map((p) => p.backfill ?? false)),
          ],
        );
        for (const r of res) inserted.add(r.id);
      }
      if (other.length > 0) {
        const res: { id: string }[] = await qr.query(
          `INSERT INTO events (at, id, type, subject_kind, subject_id, site_id, waybill_no, source, payload)
           SELECT a, i, t, sk, si, st, w, s, p::jsonb FROM unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::text[], $5::text[],
                                $6::text[], $7::text[], $8::text[], $9::text[]) AS x(a, i, t, sk, si, st, w, s, p)
           ON CONFLICT DO NOTHING RETURNING id`,
          [
            pgArray(other.map((r) => r.event.at)),
            pgArray(other.map((r) => r.event.id)),
            pgArray(other.map((r) => r.event.type)),
            pgArray(other.map((r) => r.subjectKind)),
            pgArray(other.map((r) => r.subjectId)),
            pgArray(other.map((r) => r.siteId)),
            pgArray(other.map((r) => r.waybillNo)),
            pgArray(other.map((r) => r.event.source ?? null)),
            pgArray(other.map((r) => JSON.stringify(r.event))),
          ],
        );
        for (const r of res) inserted.add(r.id);
      }
      await qr.commitTransaction();
    } catch (e) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      await qr.release();
    }
    return inserted;
  }

  /** Flushes everything buffered; new writes are refused from now on. */
  async drain(): Promise<void> {
    this.closed = true;
    if (this.queue.length === 0 && this.inFlight === 0) return;
    const done = new Promise<void>((r) => this.idle.push(r));
    this.kick();
    await done;
  }

  async beforeApplicationShutdown() {
    await this.drain();
    this.log.log('ingest buffer drained');
  }
}
