import type { Network } from '@kanjian/shared';
import type { Clock } from '../core/clock';
import { dayOf, isoUtc8, SECOND } from '../core/time';
import { refreshNetwork } from '../engine/network-refresh';
import type { RateMeter } from '../engine/rate-meter';
import type { Simulation } from '../engine/simulation';
import type { TruthLog } from '../engine/truth-log';
import type { DomainName, Emitted, Sink, TruthEntry } from '../engine/types';
import { Outbox } from '../transport/outbox';
import { FatalHubError, StoppedError, type Sender } from '../transport/sender';
import type { LogFn } from './log';

/** Builtins bound once: Jest's vm context makes every global lookup slow in hot loops (jestjs/jest#5163). */
const M = Math;

export interface RunnerOptions {
  sim: Simulation;
  clock: Clock;
  sender: Sender;
  truth: TruthLog;
  meter?: RateMeter;
  log: LogFn;
  /** Simulated time generation starts from. */
  startAt: number;
  /** Stop generating at this simulated time, then drain what is still due (late bursts) and return. */
  endAt?: number;
  /** A restart's checkpoint: facts before it still waiting for upload are regenerated and sent. */
  backlogFrom?: number;
  /** A fresh start: send first what the hub needs from before `startAt` (parcels out, trucks under way). */
  prelude?: boolean;
  /**
   * Wall ms to wait after the prelude is acknowledged, before the live feeds start: the hub then knows every
   * truck under way has departed before its first position arrives (default 2,000).
   */
  preludePauseMs?: number;
  /**
   * At `endAt`: `wait` keeps the clock running until the last late upload is due; `flush` sends what is still
   * waiting at once (still after its fact, just sooner).
   */
  drain?: 'wait' | 'flush';
  batchSize?: number;
  concurrency?: number;
  /** Generation pauses while this many facts wait (the hub is slower than the simulation). */
  maxPending?: number;
  /** Simulated ms generated per step. */
  chunkMs?: number;
  /** Wall ms between loop turns when idle. */
  tickMs?: number;
  /**
   * Fetches the hub's network again, every `everyMs` of wall time and when simulated time enters a new service
   * day, and continues with the trips of the days ahead it has then (`refreshNetwork`): trips loaded later run.
   */
  /** `fetch(now)`: the hub's network at simulated time `now`; only its trips of the days after now's are used. */
  refresh?: { everyMs: number; fetch: (now: number) => Promise<Network> };
  onCheckpoint?: (checkpoint: number) => void;
  checkpointEveryMs?: number;
  logEveryMs?: number;
  wallNow?: () => number;
}

export interface RunSummary {
  generatedTo: number;
  checkpoint: number;
  generated: number;
  sent: Sender['stats'];
  truths: number;
  stoppedBy: 'end' | 'signal' | 'fatal';
  error?: string;
}

interface Flight {
  minDeliverAt: number;
  promise: Promise<void>;
}

/**
 * Turns simulated time into uploads: generates facts up to "now" on the clock, holds each until its upload
 * time, sends due facts in batches (several requests in flight), and records a checkpoint such that every fact
 * due before it has been acknowledged — a restart from the checkpoint loses nothing and the hub's idempotency
 * absorbs what is sent twice.
 */
export class Runner {
  private readonly outbox = new Outbox();
  private readonly flights = new Set<Flight>();
  private genTo: number;
  private generated = 0;
  private stopped = false;
  private fatal: Error | null = null;
  private readonly sink: Sink;
  private readonly perDomain = new Map<DomainName, number>();
  /** The simulation generating: replaced when a refreshed network brings trips of the days ahead. */
  private sim: Simulation;
  private refreshing: Promise<void> | null = null;
  private fetched: Network | null = null;
  private lastRefresh = 0;
  private refreshedDay = '';

  private readonly o: RunnerOptions;

  constructor(opts: RunnerOptions) {
    let o = opts;
    this.o = o;
    // Generation advances in whole seconds: an end between two is rounded down so the run can reach it.
    if (o.endAt !== undefined) this.o = o = { ...o, endAt: M.max(o.startAt, M.floor(o.endAt / SECOND) * SECOND) };
    this.genTo = o.startAt;
    this.sim = o.sim;
    this.sink = {
      emit: (e: Emitted) => {
        this.generated++;
        this.perDomain.set(e.domain, (this.perDomain.get(e.domain) ?? 0) + 1);
        o.meter?.emitted(e);
        this.outbox.push(e);
      },
      truth: (t: TruthEntry) => {
        if (o.truth.add(t)) o.meter?.truth(t);
      },
    };
  }

  stop(): void {
    this.stopped = true;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Every fact due for upload before this simulated time has been acknowledged. */
  checkpoint(): number {
    let c = Math.min(this.genTo, this.outbox.minDeliverAt());
    for (const f of this.flights) c = Math.min(c, f.minDeliverAt);
    return c;
  }

  get pending(): number {
    return this.outbox.size;
  }

  async run(): Promise<RunSummary> {
    const o = this.o;
    const batchSize = o.batchSize ?? 5000;
    const concurrency = o.concurrency ?? 2;
    const maxPending = o.maxPending ?? 500_000;
    const chunkMs = o.chunkMs ?? 10 * SECOND;
    const tickMs = o.tickMs ?? 200;
    const wallNow = o.wallNow ?? Date.now;
    if (o.backlogFrom !== undefined) {
      this.sim.regenerateBacklog(o.backlogFrom, this.sink);
      o.log('info', 'regenerated the uploads still due at the checkpoint', { checkpoint: isoUtc8(o.backlogFrom), pending: this.outbox.size });
    } else if (o.prelude) {
      this.sim.prelude(o.startAt, this.sink);
      o.log('info', 'prelude: parcels out for delivery, trucks under way and open cases from before the start', { events: this.outbox.size });
      // Uploaded at the start; what the prelude holds for later (a truck out of reach back-filling its track when
      // back in reach) waits for its time like everything else.
      while (this.outbox.size > 0 && this.outbox.minDeliverAt() <= o.startAt && !this.stopped) {
        while (this.flights.size < concurrency && this.outbox.size > 0 && this.outbox.minDeliverAt() <= o.startAt) this.launch(this.outbox.popDue(o.startAt, batchSize));
        await Promise.race([...this.flights].map((f) => f.promise));
      }
      await Promise.all([...this.flights].map((f) => f.promise));
      if (!this.stopped) await new Promise((r) => setTimeout(r, o.preludePauseMs ?? 2000));
    }
    this.lastRefresh = wallNow();
    this.refreshedDay = dayOf(this.genTo);
    let lastCheckpoint = wallNow();
    let lastLog = wallNow();
    let lastGenerated = 0;
    let lastSent = 0;
    while (!this.stopped) {
      this.maybeRefresh(wallNow());
      const now = this.o.clock.now();
      const horizon = Math.floor((o.endAt !== undefined ? Math.min(now, o.endAt) : now) / SECOND) * SECOND;
      while (this.genTo < horizon && this.outbox.size < maxPending && !this.stopped) {
        const next = Math.min(horizon, this.genTo + chunkMs);
        this.sim.generate(this.genTo, next, this.sink);
        this.genTo = next;
      }
      o.truth.flush();
      const ended = o.endAt !== undefined && this.genTo >= o.endAt;
      const flushing = ended && o.drain === 'flush';
      while (this.flights.size < concurrency) {
        const batch = this.outbox.popDue(flushing ? Infinity : now, batchSize);
        if (batch.length === 0) break;
        this.launch(batch);
      }
      if (this.fatal) break;
      if (wallNow() - lastCheckpoint >= (o.checkpointEveryMs ?? 5000)) {
        o.onCheckpoint?.(this.checkpoint());
        lastCheckpoint = wallNow();
      }
      if (wallNow() - lastLog >= (o.logEveryMs ?? 10_000)) {
        const secs = (wallNow() - lastLog) / 1000;
        this.logProgress(secs, this.generated - lastGenerated, o.sender.stats.events - lastSent);
        lastGenerated = this.generated;
        lastSent = o.sender.stats.events;
        lastLog = wallNow();
      }
      if (ended && this.outbox.size === 0 && this.flights.size === 0) break;
      if (this.flights.size >= concurrency) await Promise.race([...this.flights].map((f) => f.promise));
      else if (this.outbox.minDeliverAt() > now || this.outbox.size === 0) await o.clock.sleep(tickMs);
    }
    await Promise.all([...this.flights].map((f) => f.promise));
    await this.refreshing;
    o.truth.flush();
    const checkpoint = this.checkpoint();
    o.onCheckpoint?.(checkpoint);
    const summary: RunSummary = {
      generatedTo: this.genTo,
      checkpoint,
      generated: this.generated,
      sent: { ...o.sender.stats },
      truths: [...o.truth.counts.values()].reduce((a, b) => a + b, 0),
      stoppedBy: this.fatal ? 'fatal' : this.stopped ? 'signal' : 'end',
      ...(this.fatal ? { error: this.fatal.message } : {}),
    };
    this.logProgress(0, 0, 0, 'simulator stopped');
    return summary;
  }

  /**
   * Starts a fetch when one is due (it runs beside the uploads) and, once one has come back, continues on its
   * trips from the current point of generation.
   */
  private maybeRefresh(wall: number): void {
    const r = this.o.refresh;
    if (!r) return;
    if (this.fetched) {
      const update = refreshNetwork(this.sim.index.network, this.fetched, this.genTo);
      this.fetched = null;
      if (update) {
        this.sim = this.sim.withNetwork(update.network);
        this.o.log('info', 'the hub has new trips: running them from now', { generatedTo: isoUtc8(this.genTo), days: update.changedDays, trips: update.network.trips.length });
      }
      if (update?.unknownRefs) this.o.log('warn', `${update.unknownRefs} new trips name routes or vehicles this run does not have; restart the simulator to drive them`);
    }
    const day = dayOf(this.genTo);
    if (this.refreshing || (wall - this.lastRefresh < r.everyMs && day === this.refreshedDay)) return;
    this.lastRefresh = wall;
    this.refreshedDay = day;
    this.refreshing = r
      .fetch(this.genTo)
      .then((net) => void (this.fetched = net))
      .catch((e: unknown) => this.o.log('warn', 'could not fetch the network again; keeping the trips known so far', { error: e instanceof Error ? e.message : String(e) }))
      .finally(() => (this.refreshing = null));
  }

  private launch(batch: Emitted[]): void {
    const flight: Flight = { minDeliverAt: batch[0].deliverAt, promise: Promise.resolve() };
    flight.promise = this.o.sender
      .send(batch)
      .catch((err: unknown) => {
        // Not acknowledged: back into the outbox, so the checkpoint still covers these facts.
        for (const e of batch) this.outbox.push(e);
        if (err instanceof StoppedError) return;
        this.fatal = err instanceof Error ? err : new Error(String(err));
        this.stopped = true;
        this.o.log('error', err instanceof FatalHubError ? 'the hub refused the simulator; stopping' : 'sending failed; stopping', { error: this.fatal.message });
      })
      .finally(() => this.flights.delete(flight));
    this.flights.add(flight);
  }

  private logProgress(secs: number, generated: number, sent: number, msg = 'simulator running'): void {
    const o = this.o;
    // Only rates resting on enough cases, and out of band only when the stated rate cannot explain the count.
    const perDay = new Set(['pickupsPerCourier', 'deliveriesPerCourier', 'cameraOffline', 'complaintSpike']);
    const days = o.meter?.days() ?? 0;
    const rates = (o.meter?.report() ?? []).filter((r) => r.basis >= 100 && (!perDay.has(r.key) || days >= 1));
    const outOfBand = rates.filter((r) => !r.inBand && !r.consistent).map((r) => `${r.key}=${round(r.measured)} (band ${r.band.join('–')})`);
    o.log('info', msg, {
      simTime: isoUtc8(Math.round(this.o.clock.now())),
      generatedTo: isoUtc8(this.genTo),
      speed: o.clock.speed,
      generatedPerS: secs > 0 ? Math.round(generated / secs) : undefined,
      sentPerS: secs > 0 ? Math.round(sent / secs) : undefined,
      pending: this.outbox.size,
      inFlight: this.flights.size,
      byDomain: Object.fromEntries(this.perDomain),
      sent: o.sender.stats,
      truths: Object.fromEntries(o.truth.counts),
      rates: Object.fromEntries(rates.map((r) => [r.key, round(r.measured)])),
      ...(outOfBand.length ? { outOfBand } : {}),
      checkpoint: isoUtc8(this.checkpoint() === Infinity ? this.genTo : this.checkpoint()),
    });
  }
}

function round(x: number): number {
  return Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 10_000) / 10_000;
}
