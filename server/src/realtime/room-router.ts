import { Injectable } from '@nestjs/common';
import type { FeedItemV1, IngestEvent, PositionTuple, RoomName } from '@kanjian/shared';
import type { StoredEvent } from '../ingest/event-writer';
import { ReferenceCache } from '../network/reference-cache.service';

/** Types that reach HQ's feed: the network-level signal, not every scan or heartbeat. */
const HQ_FEED = new Set(['vehicle.incident', 'sorting.violation', 'complaint.opened']);
/** Types too frequent or too dull for any room's feed (they feed KPIs instead). */
const NO_FEED = new Set(['vehicle.position', 'camera.heartbeat', 'sorting.scan', 'waybill.tracking']);

/** Decides which rooms an event concerns: the rooms of its unit and of every unit above it. */
@Injectable()
export class RoomRouter {
  constructor(private readonly ref: ReferenceCache) {}

  /** Asked for every position on the hot path: computed once per vehicle until the reference data reloads. */
  vehicleRooms(vehicleId: string): RoomName[] {
    if (this.memoVersion !== this.ref.version) {
      this.memo.clear();
      this.memoVersion = this.ref.version;
    }
    let rooms = this.memo.get(vehicleId);
    if (!rooms) {
      const v = this.ref.vehicle(vehicleId);
      rooms = v ? ['hq', `region:${v.regionId}`, `site:${v.homeSiteId}`] : ['hq'];
      if (v) this.memo.set(vehicleId, rooms);
    }
    return rooms;
  }

  private memo = new Map<string, RoomName[]>();
  private memoVersion = -1;

  feedRooms(r: StoredEvent): RoomName[] {
    if (NO_FEED.has(r.event.type)) return [];
    const rooms: RoomName[] = [];
    if (HQ_FEED.has(r.event.type)) rooms.push('hq');
    if ('floorId' in r.event) rooms.push(`floor:${r.event.floorId}`);
    if (r.siteId) {
      rooms.push(`site:${r.siteId}`);
      const region = this.ref.regionOfSite(r.siteId);
      if (region) rooms.push(`region:${region}`);
    }
    return rooms;
  }
}

/** Rounded for the screens (≈1 m, 0.1 km/h, 1°, 0.1 °C): frames of 20,000 vehicles stay a third smaller. */
export function positionTuple(e: Extract<IngestEvent, { type: 'vehicle.position' }>): PositionTuple {
  return [
    e.vehicleId,
    Math.round(e.lat * 1e5) / 1e5,
    Math.round(e.lon * 1e5) / 1e5,
    Math.round(e.speedKmh * 10) / 10,
    Math.round(e.heading),
    Date.parse(e.at),
    e.tempC === undefined ? null : Math.round(e.tempC * 10) / 10,
  ];
}

/** One line per fact, in the operator's words; the screens translate the type. */
export function feedItem(r: StoredEvent): FeedItemV1 {
  const e = r.event;
  let summary: string;
  switch (e.type) {
    case 'vehicle.incident':
      summary = `${e.vehicleId} ${e.kind}${e.note ? `: ${e.note}` : ''}`;
      break;
    case 'vehicle.departed':
    case 'vehicle.arrived':
      summary = `${e.vehicleId} ${e.type === 'vehicle.departed' ? 'departed' : 'arrived at'} ${e.siteId} (${e.tripId})`;
      break;
    case 'sorting.violation':
      summary = `${e.kind}${e.dropHeightCm !== undefined ? ` ${Math.round(e.dropHeightCm)} cm` : ''} on ${e.cameraId}`;
      break;
    case 'sorting.exception':
      summary = `${e.waybillNo} ${e.kind} ${e.status}`;
      break;
    case 'complaint.opened':
      summary = `${e.complaintId} ${e.category}${e.waybillNo ? ` ${e.waybillNo}` : ''}`;
      break;
    default:
      summary = 'waybillNo' in e && e.waybillNo ? String(e.waybillNo) : r.subjectId;
  }
  return { id: e.id, type: e.type, at: e.at, subject: `${r.subjectKind}:${r.subjectId}`, summary };
}
