import type { IngestEventSchema, RuleId } from '@kanjian/shared';
import type { z } from 'zod';

/** What the simulator sends: the ingest schema's input shape (the hub fills `v`). */
export type OutEvent = z.input<typeof IngestEventSchema>;
export type OutEventOf<T extends OutEvent['type']> = Extract<OutEvent, { type: T }>;

export type DomainName = 'linehaul' | 'sorting' | 'courier' | 'aftersales';

/** Bytes an event's evidence reference points at; uploaded before the event is sent. */
export interface EvidenceBlob {
  sha256: string;
  contentType: 'image/png';
  bytes: Buffer;
}

export interface Emitted {
  event: OutEvent;
  /** The fact's time (`event.at`) as epoch ms. */
  atMs: number;
  /** When the device uploads it: right after the fact, or later in a burst after an offline spell. */
  deliverAt: number;
  domain: DomainName;
  blobs?: EvidenceBlob[];
}

export type TruthSubjectKind = 'vehicle' | 'trip' | 'camera' | 'floor' | 'site' | 'person' | 'waybill' | 'complaint';

/**
 * A violation the simulator produced on purpose, with the rule the hub should raise for it. `at` is when the
 * lapse happened; `dueAt` is the earliest the hub can know (a threshold later for "nothing happened" rules).
 */
export interface TruthEntry {
  /** Stable id: the same lapse regenerated after a restart has the same id. */
  id: string;
  rule: RuleId;
  severity: 'info' | 'warning' | 'violation' | 'critical';
  at: string;
  dueAt: string;
  /**
   * The earliest the hub can raise it: `dueAt`, or later when the event that carries the lapse is uploaded
   * late (an offline courier's burst). Set by the simulation as the entry is recorded.
   */
  knownAt?: string;
  subject: { kind: TruthSubjectKind; id: string };
  siteId?: string;
  personId?: string;
  waybillNo?: string;
  tripId?: string;
  vehicleId?: string;
  complaintId?: string;
  cameraId?: string;
  floorId?: string;
  /** The event that carries the lapse (for presence rules) or opens the window (for absence rules). */
  eventId?: string;
  /** True when the rule follows from another lapse (a breakdown also stops the truck: T3). */
  derived?: boolean;
  detail?: Record<string, string | number | boolean>;
}

export interface Sink {
  emit(e: Emitted): void;
  truth(t: TruthEntry): void;
}

/** A generator of one part of the network. */
export interface Domain {
  readonly name: DomainName;
  /** The longest a fact of this domain waits before upload; a restart regenerates that far back. */
  readonly maxUploadDelayMs: number;
  /** Emits every fact with `at` in [from, to), and the truths whose lapse starts in it. */
  generate(from: number, to: number, sink: Sink): void;
  /**
   * A fresh start at `start`: the facts from before it that the hub needs to judge what follows (a parcel out
   * for delivery, a truck under way), uploaded at once, with their truths.
   */
  prelude(start: number, sink: Sink): void;
}
