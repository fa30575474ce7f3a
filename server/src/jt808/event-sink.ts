import type { IngestEvent } from '@kanjian/shared';

/**
 * Where the gateway puts the events it makes. Kept small so the same gateway can feed the hub over HTTP
 * (its own process) or, later, the hub's ingest service in-process.
 */

/** `stored` includes events the hub already had (a resend): the hub counts those, not which ones. */
export type SinkOutcome = { status: 'stored' } | { status: 'rejected'; message: string };

export interface Admission {
  /** Resolves, one outcome per event, once each is durably stored or definitively rejected. */
  settled: Promise<SinkOutcome[]>;
}

export interface EventSink {
  /**
   * Takes the events into a bounded buffer. Resolves once they are in, waiting in arrival order while the
   * buffer is full (that wait is the backpressure). An event taken is never dropped: it settles as stored
   * or rejected, retried for as long as the process lives.
   */
  enqueue(events: readonly IngestEvent[]): Promise<Admission>;
  /** Events held: queued, in flight or being retried. */
  readonly depth: number;
  readonly capacity: number;
  /** Callers waiting for room. */
  readonly waiting: number;
  /** Stops taking events and waits until everything taken has settled, or until the deadline. */
  close(deadlineMs?: number): Promise<void>;
}

/** What one delivery attempt of a batch came to. */
export type TransportResult =
  /** The hub answered per item: `rejected` maps batch index → reason; the rest is stored. */
  | { kind: 'answered'; rejected: Map<number, string>; duplicates: number }
  /** Nothing stored; the same batch may be sent again (network, 5xx, 429, auth not yet valid). */
  | { kind: 'retry'; reason: string }
  /** The batch as a whole was refused for something one item may cause (413, 400, 403): split it. */
  | { kind: 'refused'; reason: string };

export interface BatchTransport {
  send(events: readonly IngestEvent[]): Promise<TransportResult>;
}

export interface BatchingOptions {
  /** Bound on events held (queued + in flight). */
  capacity: number;
  /** Largest batch sent at once. */
  batchMax: number;
  /** A partial batch waits at most this long before it is sent. */
  flushMs: number;
  /** Batches in flight at once. */
  maxInFlight: number;
  retryMinMs: number;
  retryMaxMs: number;
}

export const DEFAULT_BATCHING: BatchingOptions = { capacity: 50_000, batchMax: 2_000, flushMs: 50, maxInFlight: 4, retryMinMs: 100, retryMaxMs: 5_000 };

export interface SinkStats {
  stored: number;
  duplicates: number;
  rejected: number;
  requests: number;
  retries: number;
  splits: number;
  lastError: string | null;
  lastSuccessAt: number | null;
}

interface Ticket {
  outcomes: SinkOutcome[];
  remaining: number;
  resolve: (o: SinkOutcome[]) => void;
}
interface Item {
  event: IngestEvent;
  ticket: Ticket;
  index: number;
}

export interface SinkObserver {
  onRetry?(reason: string, attempt: number): void;
  onRejected?(event: IngestEvent, message: string): void;
  onRequest?(outcome: 'answered' | 'retry' | 'refused', ms: number, events: number): void;
}

/**
 * A bounded, batching, retrying sink over any transport. Batches go out every `flushMs` or as soon as
 * `batchMax` events are queued; a failed batch is retried with capped exponential backoff and keeps its
 * slot, so a hub that is down fills the buffer and `enqueue` starts to wait: the terminals feel it as
 * TCP backpressure, and nothing is dropped.
 */
export class BatchingEventSink implements EventSink {
  readonly stats: SinkStats = { stored: 0, duplicates: 0, rejected: 0, requests: 0, retries: 0, splits: 0, lastError: null, lastSuccessAt: null };
  private readonly queue: Item[] = [];
  private held = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly waiters: { n: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private closed = false;
  private abandoned = false;
  private idleResolvers: (() => void)[] = [];
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(
    private readonly transport: BatchTransport,
    private readonly opts: BatchingOptions = DEFAULT_BATCHING,
    private readonly observer: SinkObserver = {},
  ) {}

  get depth(): number {
    return this.held;
  }
  get capacity(): number {
    return this.opts.capacity;
  }
  get waiting(): number {
    return this.waiters.length;
  }

  async enqueue(events: readonly IngestEvent[]): Promise<Admission> {
    if (this.closed) throw new Error('event sink is closed');
    if (events.length > this.opts.capacity) throw new RangeError(`${events.length} events exceed the sink capacity of ${this.opts.capacity}`);
    if (events.length === 0) return { settled: Promise.resolve([]) };
    if (this.waiters.length > 0 || this.held + events.length > this.opts.capacity) {
      await new Promise<void>((resolve, reject) => this.waiters.push({ n: events.length, resolve, reject }));
    } else this.held += events.length;
    let resolve!: (o: SinkOutcome[]) => void;
    const settled = new Promise<SinkOutcome[]>((r) => (resolve = r));
    const ticket: Ticket = { outcomes: new Array(events.length), remaining: events.length, resolve };
    events.forEach((event, index) => this.queue.push({ event, ticket, index }));
    this.schedule();
    return { settled };
  }

  async close(deadlineMs = 10_000): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(new Error('event sink closed while waiting for room'));
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.pump();
    if (this.held === 0) return;
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((r) => this.idleResolvers.push(r)),
      new Promise<void>((r) => (deadline = setTimeout(r, deadlineMs))),
    ]);
    clearTimeout(deadline);
    // Past the deadline, stop retrying: those terminals were not acknowledged and will send again.
    this.abandoned = true;
    for (const s of this.sleeps) {
      clearTimeout(s.timer);
      s.resolve();
    }
    this.sleeps.clear();
  }

  private schedule(): void {
    if (this.queue.length >= this.opts.batchMax || this.closed) {
      this.pump();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, this.opts.flushMs);
    }
  }

  private pump(): void {
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.batchMax);
      this.inFlight++;
      void this.deliver(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }

  private async deliver(batch: Item[]): Promise<void> {
    let attempt = 0;
    for (;;) {
      let res: TransportResult;
      const started = performance.now();
      try {
        res = await this.transport.send(batch.map((i) => i.event));
      } catch (e) {
        res = { kind: 'retry', reason: (e as Error).message };
      }
      this.stats.requests++;
      this.observer.onRequest?.(res.kind, performance.now() - started, batch.length);
      if (res.kind === 'answered') {
        this.stats.lastSuccessAt = Date.now();
        this.stats.duplicates += res.duplicates;
        batch.forEach((item, i) => {
          const msg = res.rejected.get(i);
          this.settle(item, msg === undefined ? { status: 'stored' } : { status: 'rejected', message: msg });
        });
        return;
      }
      if (res.kind === 'refused') {
        this.stats.lastError = res.reason;
        if (batch.length === 1) {
          this.settle(batch[0], { status: 'rejected', message: res.reason });
          return;
        }
        // One item may be the cause (too large, out of scope): halve until it is isolated.
        this.stats.splits++;
        const mid = batch.length >> 1;
        await this.deliver(batch.slice(0, mid));
        await this.deliver(batch.slice(mid));
        return;
      }
      this.stats.lastError = res.reason;
      if (this.abandoned) return;
      attempt++;
      this.stats.retries++;
      this.observer.onRetry?.(res.reason, attempt);
      const backoff = Math.min(this.opts.retryMaxMs, this.opts.retryMinMs * 2 ** Math.min(attempt - 1, 16));
      await this.sleep(backoff * (0.75 + Math.random() * 0.5));
      if (this.abandoned) return;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.sleeps.add(entry);
    });
  }

  private settle(item: Item, outcome: SinkOutcome): void {
    if (outcome.status === 'stored') this.stats.stored++;
    else {
      this.stats.rejected++;
      this.observer.onRejected?.(item.event, outcome.message);
    }
    const t = item.ticket;
    t.outcomes[item.index] = outcome;
    if (--t.remaining === 0) t.resolve(t.outcomes);
    this.held--;
    this.admitWaiters();
    if (this.held === 0) for (const r of this.idleResolvers.splice(0)) r();
  }

  private admitWaiters(): void {
    while (this.waiters.length > 0 && this.held + this.waiters[0].n <= this.opts.capacity) {
      const w = this.waiters.shift()!;
      this.held += w.n;
      w.resolve();
    }
  }
}
