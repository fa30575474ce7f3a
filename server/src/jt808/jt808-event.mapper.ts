import { createHash } from 'node:crypto';
import { parseIngestEvent, type IngestEvent, type VehicleIncident, type VehiclePosition } from '@kanjian/shared';
import { viewLocation, type LocationReport } from './codec/jt808-message.codec';
import { AlarmBit } from './codec/jt808.constants';

/**
 * Turns decoded location reports into the hub's ingest events: `vehicle.position` for every fixed report
 * (0x0704 blind-spot items flagged `backfill`), and `vehicle.incident` on the rising edge of the alarm bits
 * the transport rules care about.
 */

export type TempEncoding = 'int16' | 'sign-magnitude';

export interface MapperOptions {
  /** Extra (TLV) id a vendor uses for the reefer temperature, or null when no terminal reports one. */
  tempExtraId: number | null;
  /** How the first WORD of that extra encodes 0.1 °C: two's complement, or bit 15 as the sign. */
  tempEncoding: TempEncoding;
  /** `source` of every event. */
  source: string;
}

export const DEFAULT_MAPPER_OPTIONS: MapperOptions = { tempExtraId: 0x51, tempEncoding: 'int16', source: 'jt808' };

type IncidentKind = VehicleIncident['kind'];

/** Alarm bit → incident kind, with the standard's name for the log and the incident note. */
export const INCIDENT_ALARMS: readonly { bit: number; kind: IncidentKind; name: string }[] = [
  { bit: AlarmBit.Sos, kind: 'sos', name: '紧急报警 SOS' },
  { bit: AlarmBit.PowerLost, kind: 'power_lost', name: '主电源掉电 power lost' },
  { bit: AlarmBit.OvertimeParking, kind: 'overtime_parking', name: '超时停车 overtime parking' },
  { bit: AlarmBit.RouteDeviation, kind: 'route_deviation', name: '路线偏离 route deviation' },
  { bit: AlarmBit.Collision, kind: 'collision', name: '碰撞 collision' },
  { bit: AlarmBit.Rollover, kind: 'rollover', name: '侧翻 rollover' },
  { bit: AlarmBit.IllegalDoorOpen, kind: 'illegal_door_open', name: '非法开门 illegal door opening' },
];
const INCIDENT_MASK = INCIDENT_ALARMS.reduce((m, a) => (m | (1 << a.bit)) >>> 0, 0);

/** Fixed namespace of the gateway's name-based (v5) event ids. */
const ID_NAMESPACE = Buffer.from('d33c4f88faf14e3896be4a4c7e17c207', 'hex');

/** RFC 9562 version-5 UUID: SHA-1 of namespace and name, version and variant bits set. */
export function uuidV5(name: string | Buffer, namespace: Buffer = ID_NAMESPACE): string {
  const h = createHash('sha1').update(namespace).update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const s = h.toString('hex', 0, 16);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/**
 * Ids are derived from the terminal and the location body itself (which holds the GPS time), not from
 * the message serial: a terminal that never got our ack re-sends the same report, later even inside a
 * 0x0704 back-fill under a new serial, and the hub must see the same id to store it once.
 */
export function positionEventId(phone: string, rawLocation: Buffer): string {
  return uuidV5(Buffer.concat([Buffer.from(`pos|${phone}|`), rawLocation]));
}
export function incidentEventId(phone: string, kind: IncidentKind, rawLocation: Buffer): string {
  return uuidV5(Buffer.concat([Buffer.from(`inc|${phone}|${kind}|`), rawLocation]));
}

/**
 * The last alarm bits seen per terminal, kept by phone (not by connection) so a reconnect does not raise
 * an alarm that is still the same one. Only reports newer than the last one move the state forward.
 */
export class AlarmEdgeTracker {
  private readonly state = new Map<string, { bits: number; atMs: number }>();

  bits(phone: string): number {
    return this.state.get(phone)?.bits ?? 0;
  }

  observe(phone: string, bits: number, atMs: number): void {
    const s = this.state.get(phone);
    if (!s) this.state.set(phone, { bits, atMs });
    else if (atMs >= s.atMs) {
      s.bits = bits;
      s.atMs = atMs;
    }
  }
}

export interface ReportInput {
  raw: Buffer;
  location: LocationReport;
}

export interface MapContext {
  /** Normalized terminal phone. */
  phone: string;
  vehicleId: string;
  receivedAtMs: number;
  backfill: boolean;
}

export interface MapResult {
  events: IngestEvent[];
  positions: number;
  incidents: number;
  /** Reports not fixed by GNSS or without a valid time: no position to store. */
  skipped: number;
  /** Reports whose content the event schema refuses (e.g. latitude beyond 90°), with the reason. */
  invalid: string[];
  /** Non-fatal oddities, e.g. a temperature extra out of range. */
  notes: string[];
}

export class Jt808EventMapper {
  constructor(
    private readonly opts: MapperOptions = DEFAULT_MAPPER_OPTIONS,
    private readonly alarms = new AlarmEdgeTracker(),
  ) {}

  /** Maps the reports of one message (one 0x0200, or the items of one 0x0704). */
  map(ctx: MapContext, reports: readonly ReportInput[]): MapResult {
    const res: MapResult = { events: [], positions: 0, incidents: 0, skipped: 0, invalid: [], notes: [] };
    const items = reports.map((r) => ({ ...r, view: viewLocation(r.location) }));
    // Edges are judged in time order; a report without a valid time counts as received now.
    items.sort((a, b) => (a.view.atMs ?? ctx.receivedAtMs) - (b.view.atMs ?? ctx.receivedAtMs));
    let prevBits = this.alarms.bits(ctx.phone);
    for (const it of items) {
      const { view, location: loc, raw } = it;
      const atMs = view.atMs ?? ctx.receivedAtMs;
      const at = new Date(atMs).toISOString();
      const bits = loc.alarm >>> 0;
      const position = view.fixed && view.atMs !== null ? this.position(ctx, it, at, res) : undefined;
      if (position) {
        const parsed = parseIngestEvent(position);
        if (parsed.ok) {
          res.events.push(parsed.event);
          res.positions++;
        } else {
          res.invalid.push(`report at ${at}: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
        }
      } else res.skipped++;

      const rising = (bits & ~prevBits & INCIDENT_MASK) >>> 0;
      if (rising) {
        const coords = view.fixed && Math.abs(view.lat) <= 90 && Math.abs(view.lon) <= 180 ? { lat: view.lat, lon: view.lon } : {};
        for (const a of INCIDENT_ALARMS) {
          if (!((rising >>> a.bit) & 1)) continue;
          const incident: VehicleIncident = {
            id: incidentEventId(ctx.phone, a.kind, raw),
            type: 'vehicle.incident',
            at,
            source: `${this.opts.source}/${ctx.phone}`,
            v: 1,
            vehicleId: ctx.vehicleId,
            kind: a.kind,
            ...coords,
            note: `JT/T 808 alarm bit ${a.bit} ${a.name}${ctx.backfill ? ' (blind-spot back-fill)' : ''}`,
          };
          const parsed = parseIngestEvent(incident);
          if (parsed.ok) {
            res.events.push(parsed.event);
            res.incidents++;
          } else res.invalid.push(`incident ${a.kind} at ${at}: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
        }
      }
      prevBits = bits;
      this.alarms.observe(ctx.phone, bits, atMs);
    }
    return res;
  }

  private position(ctx: MapContext, it: ReportInput & { view: ReturnType<typeof viewLocation> }, at: string, res: MapResult): VehiclePosition {
    const p: VehiclePosition = {
      id: positionEventId(ctx.phone, it.raw),
      type: 'vehicle.position',
      at,
      source: `${this.opts.source}/${ctx.phone}`,
      v: 1,
      vehicleId: ctx.vehicleId,
      lat: it.view.lat,
      lon: it.view.lon,
      speedKmh: it.view.speedKmh,
      heading: it.view.heading,
    };
    const t = this.temperature(it.location);
    if (t !== undefined) {
      if (t >= -60 && t <= 80) p.tempC = t;
      else res.notes.push(`temperature ${t} °C from extra 0x${this.opts.tempExtraId?.toString(16)} is out of range; left out`);
    }
    if (ctx.backfill) p.backfill = true;
    return p;
  }

  private temperature(loc: LocationReport): number | undefined {
    if (this.opts.tempExtraId === null) return undefined;
    const x = loc.extras.find((e) => e.id === this.opts.tempExtraId);
    if (!x || x.value.length < 2) return undefined;
    const w = x.value.readUInt16BE(0);
    const tenths = this.opts.tempEncoding === 'int16' ? x.value.readInt16BE(0) : (w & 0x8000 ? -1 : 1) * (w & 0x7fff);
    return tenths / 10;
  }
}
