import { EVENT_TYPES, parseIngestEvent, STAGE_OF, subjectOf } from './index';

const base = { id: '3b241101-e2bb-4255-8caf-4136c566a962', at: '2026-11-23T08:00:00+08:00' };
const photo = { kind: 'photo', uri: '/api/v1/evidence/x.jpg' };

/** One valid example per event type: every feed of PRODUCT.md is covered by the union. */
const EXAMPLES: Record<string, Record<string, unknown>> = {
  'vehicle.position': { vehicleId: 'VEH-1', lat: 31.2, lon: 121.5, speedKmh: 70, heading: 180, tempC: 4.5, humidityPct: 60 },
  'vehicle.departed': { vehicleId: 'VEH-1', tripId: 'TRIP-1', siteId: 'HUB-SHA' },
  'vehicle.arrived': { vehicleId: 'VEH-1', tripId: 'TRIP-1', siteId: 'HUB-HGH' },
  'vehicle.incident': { vehicleId: 'VEH-1', kind: 'tyre_blowout', lat: 30.9, lon: 120.9 },
  'pickup.completed': {
    waybillNo: 'SF1234567890', courierId: 'P-1', siteId: 'ST-1', inspectionPhoto: photo, declaredContents: '衣服',
    waybill: { senderName: '张三', recipientName: '李四' }, insuranceOffered: true, realNameVerified: true,
  },
  'delivery.out': { waybillNo: 'SF1234567890', courierId: 'P-1', siteId: 'ST-1' },
  'delivery.call': { waybillNo: 'SF1234567890', courierId: 'P-1', siteId: 'ST-1', answered: true, durationS: 35 },
  'delivery.consent': { waybillNo: 'SF1234567890', siteId: 'ST-1', channel: 'sms', dropPoint: 'locker', granted: true },
  'delivery.signed': { waybillNo: 'SF1234567890', courierId: 'P-1', siteId: 'ST-1', method: 'in_person', signer: 'recipient', photo },
  'sorting.violation': { floorId: 'FL-1', cameraId: 'CAM-1', kind: 'throw', dropHeightCm: 72, confidence: 0.93, snapshot: { kind: 'snapshot', uri: 'x' } },
  'camera.heartbeat': { cameraId: 'CAM-1', floorId: 'FL-1', fps: 25 },
  'sorting.scan': { floorId: 'FL-1', parcels: 1200 },
  'sorting.exception': { floorId: 'FL-1', waybillNo: 'SF1234567890', kind: 'damaged', status: 'detected' },
  'waybill.tracking': { waybillNo: 'SF1234567890', status: 1002, siteId: 'HUB-SHA' },
  'complaint.opened': { complaintId: 'C-1', siteId: 'ST-1', category: 'delay', channel: 'phone', waybillNo: 'SF1234567890' },
  'complaint.responded': { complaintId: 'C-1', siteId: 'ST-1', by: 'P-9' },
  'complaint.resolved': { complaintId: 'C-1', siteId: 'ST-1', by: 'P-9', outcome: 'explained' },
  'rating.submitted': { siteId: 'ST-1', touchpoint: 'delivery', score: 5 },
};

describe('ingest event contracts', () => {
  it.each(EVENT_TYPES)('%s has a valid example, a stage and a subject', (type) => {
    const r = parseIngestEvent({ ...base, type, ...EXAMPLES[type] });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.event.v).toBe(1);
    expect(STAGE_OF[type]).toBeDefined();
    expect(subjectOf(r.event).id).toMatch(/^(VEH|CAM|FL|ST|HUB)-/);
  });

  it('names the path and reason of each problem', () => {
    const r = parseIngestEvent({ ...base, type: 'vehicle.position', ...EXAMPLES['vehicle.position'], lat: 95, heading: 'north' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path).sort()).toEqual(['heading', 'lat']);
  });

  it('refuses unknown fields, bad ids and times without an offset', () => {
    expect(parseIngestEvent({ ...base, type: 'sorting.scan', floorId: 'FL-1', parcels: 3, extra: 1 }).ok).toBe(false);
    expect(parseIngestEvent({ ...base, id: 'not-a-uuid', type: 'sorting.scan', floorId: 'FL-1', parcels: 3 }).ok).toBe(false);
    expect(parseIngestEvent({ ...base, at: '2026-11-23 08:00', type: 'sorting.scan', floorId: 'FL-1', parcels: 3 }).ok).toBe(false);
  });

  it('refuses a payload version it does not know, saying so', () => {
    const r = parseIngestEvent({ ...base, v: 9, type: 'sorting.scan', floorId: 'FL-1', parcels: 3 });
    expect(r).toEqual({ ok: false, issues: [{ path: 'v', message: 'unsupported version 9 for type sorting.scan' }] });
  });

  it('never throws on garbage', () => {
    for (const x of [null, 42, 'x', [], { type: 1 }]) expect(parseIngestEvent(x).ok).toBe(false);
  });
});
