import { z } from 'zod';
import { ComplaintOpenedSchema, ComplaintRespondedSchema, ComplaintResolvedSchema, RatingSubmittedSchema } from './aftersales';
import {
  DeliveryCallSchema,
  DeliveryConsentSchema,
  DeliveryOutSchema,
  DeliverySignedSchema,
  PickupCompletedSchema,
} from './courier';
import { SortingExceptionSchema, SortingScanSchema, WaybillTrackingSchema } from './sorting';
import { VehicleArrivedSchema, VehicleDepartedSchema, VehicleIncidentSchema, VehiclePositionSchema } from './vehicle';
import { CameraHeartbeatSchema, SortingViolationSchema } from './vision';

export * from './common';
export * from './vehicle';
export * from './courier';
export * from './vision';
export * from './sorting';
export * from './aftersales';

/** Every fact the hub ingests, discriminated by `type`. */
export const IngestEventSchema = z.discriminatedUnion('type', [
  VehiclePositionSchema,
  VehicleDepartedSchema,
  VehicleArrivedSchema,
  VehicleIncidentSchema,
  PickupCompletedSchema,
  DeliveryOutSchema,
  DeliveryCallSchema,
  DeliveryConsentSchema,
  DeliverySignedSchema,
  SortingViolationSchema,
  CameraHeartbeatSchema,
  SortingScanSchema,
  SortingExceptionSchema,
  WaybillTrackingSchema,
  ComplaintOpenedSchema,
  ComplaintRespondedSchema,
  ComplaintResolvedSchema,
  RatingSubmittedSchema,
]);
export type IngestEvent = z.infer<typeof IngestEventSchema>;
export type EventType = IngestEvent['type'];
export type EventOf<T extends EventType> = Extract<IngestEvent, { type: T }>;

export const EVENT_TYPES = IngestEventSchema.options.map((o) => o.shape.type.value) as EventType[];

export type Stage = 'pickup' | 'transport' | 'sorting' | 'delivery' | 'aftersales';

export const STAGE_OF: Record<EventType, Stage> = {
  'vehicle.position': 'transport',
  'vehicle.departed': 'transport',
  'vehicle.arrived': 'transport',
  'vehicle.incident': 'transport',
  'pickup.completed': 'pickup',
  'delivery.out': 'delivery',
  'delivery.call': 'delivery',
  'delivery.consent': 'delivery',
  'delivery.signed': 'delivery',
  'sorting.violation': 'sorting',
  'camera.heartbeat': 'sorting',
  'sorting.scan': 'sorting',
  'sorting.exception': 'sorting',
  'waybill.tracking': 'transport',
  'complaint.opened': 'aftersales',
  'complaint.responded': 'aftersales',
  'complaint.resolved': 'aftersales',
  'rating.submitted': 'aftersales',
};

export type SubjectKind = 'vehicle' | 'camera' | 'floor' | 'site';
export interface Subject {
  kind: SubjectKind;
  id: string;
}

/** The device or unit an event is about: what a feed token's scope must cover. */
export function subjectOf(e: IngestEvent): Subject {
  switch (e.type) {
    case 'vehicle.position':
    case 'vehicle.departed':
    case 'vehicle.arrived':
    case 'vehicle.incident':
      return { kind: 'vehicle', id: e.vehicleId };
    case 'sorting.violation':
    case 'camera.heartbeat':
      return { kind: 'camera', id: e.cameraId };
    case 'sorting.scan':
    case 'sorting.exception':
      return { kind: 'floor', id: e.floorId };
    default:
      return { kind: 'site', id: e.siteId };
  }
}

/** The waybill an event concerns, when it concerns one. */
export function waybillOf(e: IngestEvent): string | undefined {
  return 'waybillNo' in e ? e.waybillNo : undefined;
}

export interface ItemIssue {
  index: number;
  path: string;
  message: string;
}

/**
 * Payload versions. Every type is at v1 today; when a payload changes, its old version's schema stays here
 * with an `upcast` to the current shape, so older senders keep working.
 */
export const CURRENT_EVENT_VERSION = 1;
const UPCASTS: Partial<Record<EventType, Record<number, (raw: Record<string, unknown>) => Record<string, unknown>>>> = {};

export type ParseResult = { ok: true; event: IngestEvent } | { ok: false; issues: Omit<ItemIssue, 'index'>[] };

/** Validates one raw item of a batch; never throws. */
export function parseIngestEvent(raw: unknown): ParseResult {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const rec = raw as Record<string, unknown>;
    const v = rec.v;
    if (v !== undefined && v !== CURRENT_EVENT_VERSION) {
      const up = typeof v === 'number' ? UPCASTS[rec.type as EventType]?.[v] : undefined;
      if (!up) {
        return { ok: false, issues: [{ path: 'v', message: `unsupported version ${String(v)} for type ${String(rec.type)}` }] };
      }
      raw = { ...up(rec), v: CURRENT_EVENT_VERSION };
    }
  }
  const r = IngestEventSchema.safeParse(raw);
  if (r.success) return { ok: true, event: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(item)', message: i.message })),
  };
}
