import type { Network } from '@kanjian/shared';
import { AftersalesDomain } from '../domains/aftersales';
import { CourierDomain } from '../domains/courier';
import { LinehaulDomain } from '../domains/linehaul';
import { SortingDomain } from '../domains/sorting';
import { isoUtc8 } from '../core/time';
import { NetworkIndex } from '../model/network-index';
import { EvidenceFactory, type EvidenceMode } from './evidence';
import type { Storyline } from './storyline';
import type { Domain, DomainName, Emitted, Sink, TruthEntry } from './types';

/** Vehicles driven per unit of scale (the reference network's fleet is 300 × its scale). */
export const VEHICLES_PER_SCALE = 300;

export interface SimulationOptions {
  seed: number;
  /** Drives ⌈300 × scale⌉ vehicles of the network (all of them when it has fewer). */
  scale: number;
  /** Parcel volume multiplier on top of the season (双十一). */
  volume?: number;
  evidence?: EvidenceMode;
  /** 1 Hz truck positions (default on). */
  positions?: boolean;
  /** Camera heartbeats (default on). */
  heartbeats?: boolean;
  /** Parcel scan counts per floor (default on). */
  scans?: boolean;
  /** Which parts of the network run (default all). */
  domains?: DomainName[];
  /** The demo's opening: each rare lapse once in the first minutes after this fresh start (`storyline.ts`). */
  storyline?: Storyline;
}

const M = Math;

/**
 * The whole network as a pure function of (network, options, time window): `generate(from, to)` emits every
 * fact whose time lies in the window, so any partition of time into windows yields the same events.
 */
export class Simulation {
  readonly index: NetworkIndex;
  readonly linehaul: LinehaulDomain;
  readonly sorting: SortingDomain;
  readonly courier: CourierDomain;
  readonly aftersales: AftersalesDomain;
  readonly domains: Domain[];
  readonly vehicleLimit: number;

  constructor(
    network: Network,
    readonly opts: SimulationOptions,
    reuse?: { sorting: SortingDomain; courier: CourierDomain },
  ) {
    if (!Number.isInteger(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
    if (!(opts.scale > 0)) throw new Error(`scale must be positive, got ${opts.scale}`);
    this.index = new NetworkIndex(network);
    const evidence = new EvidenceFactory(opts.evidence ?? 'none');
    this.vehicleLimit = Math.ceil(VEHICLES_PER_SCALE * opts.scale);
    this.linehaul = new LinehaulDomain(this.index, { seed: opts.seed, vehicleLimit: this.vehicleLimit, positions: opts.positions ?? true, storyline: opts.storyline });
    this.sorting = reuse?.sorting ?? new SortingDomain(this.index, evidence, { seed: opts.seed, volume: opts.volume ?? 1, heartbeats: opts.heartbeats ?? true, scans: opts.scans ?? true, storyline: opts.storyline });
    this.courier = reuse?.courier ?? new CourierDomain(this.index, evidence, { seed: opts.seed, volume: opts.volume ?? 1, storyline: opts.storyline });
    this.aftersales = new AftersalesDomain(this.index, this.courier, this.linehaul, { seed: opts.seed, storyline: opts.storyline });
    const all: Domain[] = [this.linehaul, this.sorting, this.courier, this.aftersales];
    const wanted = new Set(opts.domains ?? all.map((d) => d.name));
    this.domains = all.filter((d) => wanted.has(d.name));
  }

  /**
   * The same simulation on a network whose trips changed (`refreshNetwork`): the sorting floors and couriers,
   * which do not depend on trips, keep their plans; line-haul and after-sales plan again from the new trips.
   */
  withNetwork(network: Network): Simulation {
    return new Simulation(network, this.opts, { sorting: this.sorting, courier: this.courier });
  }

  /** The longest any fact waits for upload: how far back a restart regenerates. */
  get maxUploadDelayMs(): number {
    return Math.max(...this.domains.map((d) => d.maxUploadDelayMs));
  }

  generate(from: number, to: number, sink: Sink): void {
    if (to <= from) return;
    const s = withKnownAt(sink);
    for (const d of this.domains) d.generate(from, to, s);
  }

  /** A fresh start at `start`: what came before it that the hub needs, uploaded at `start`. */
  prelude(start: number, sink: Sink): void {
    const s = withKnownAt(sink);
    for (const d of this.domains) d.prelude(start, s);
  }

  /**
   * After a restart at `checkpoint` (everything uploaded before it was acknowledged): the facts that happened
   * before it but were still waiting to be uploaded (late bursts, back-fill), with their upload time unchanged.
   */
  regenerateBacklog(checkpoint: number, sink: Sink): void {
    const filter: Sink = {
      emit: (e: Emitted) => {
        if (e.deliverAt >= checkpoint) sink.emit(e);
      },
      truth: (t: TruthEntry) => sink.truth(t),
    };
    const s = withKnownAt(filter);
    for (const d of this.domains) d.generate(checkpoint - d.maxUploadDelayMs, checkpoint, s);
  }
}

/**
 * Stamps each truth with when the hub can first know it: its due time, or the upload of the event that carries
 * it when that comes later (domains emit that event just before the truth).
 */
function withKnownAt(sink: Sink): Sink {
  const uploads = new Map<string, number>();
  return {
    emit: (e: Emitted) => {
      if (e.domain !== 'linehaul' || e.event.type !== 'vehicle.position') {
        if (uploads.size > 10_000) uploads.clear();
        uploads.set(e.event.id, e.deliverAt);
      }
      sink.emit(e);
    },
    truth: (t: TruthEntry) => {
      const up = t.eventId !== undefined ? uploads.get(t.eventId) : undefined;
      const due = Date.parse(t.dueAt);
      // A domain may know better (readings back-filled later): the later of the two.
      const known = M.max(due, up ?? due, t.knownAt !== undefined ? Date.parse(t.knownAt) : due);
      sink.truth({ ...t, knownAt: known === due ? t.dueAt : isoUtc8(known) });
    },
  };
}
