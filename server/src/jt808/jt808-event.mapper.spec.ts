import { encodeLocation, type LocationReport } from './codec/jt808-message.codec';
import { AlarmEdgeTracker, Jt808EventMapper, uuidV5, type MapContext } from './jt808-event.mapper';

const base: LocationReport = {
  alarm: 0,
  status: 0b10, // fixed
  latE6: 31_230_000,
  lonE6: 121_470_000,
  altitudeM: 10,
  speed10: 625,
  direction: 270,
  time: '240301083015',
  extras: [],
};
const report = (over: Partial<LocationReport> = {}) => {
  const location = { ...base, ...over };
  return { raw: encodeLocation(location), location };
};
const ctx = (over: Partial<MapContext> = {}): MapContext => ({ phone: '13800138000', vehicleId: 'VEH-0001', receivedAtMs: Date.parse('2024-03-01T00:31:00Z'), backfill: false, ...over });

describe('uuidV5', () => {
  it('matches the RFC 9562 example (DNS namespace, www.example.com)', () => {
    const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    expect(uuidV5('www.example.com', dns)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});

describe('Jt808EventMapper positions', () => {
  it('maps a fixed report to vehicle.position with UTC time, signed degrees and km/h', () => {
    const r = new Jt808EventMapper().map(ctx(), [report()]);
    expect(r.events).toEqual([
      {
        id: expect.any(String),
        type: 'vehicle.position',
        at: '2024-03-01T00:30:15.000Z',
        source: 'jt808/13800138000',
        v: 1,
        vehicleId: 'VEH-0001',
        lat: 31.23,
        lon: 121.47,
        speedKmh: 62.5,
        heading: 270,
      },
    ]);
  });

  it('gives a resent report the same id, and a different report a different one', () => {
    const m = new Jt808EventMapper();
    const a = m.map(ctx(), [report()]).events[0].id;
    const again = m.map(ctx({ receivedAtMs: Date.now() }), [report()]).events[0].id;
    const later = m.map(ctx(), [report({ time: '240301083016' })]).events[0].id;
    const otherTerminal = m.map(ctx({ phone: '13900000000' }), [report()]).events[0].id;
    expect(again).toBe(a);
    expect(new Set([a, later, otherTerminal]).size).toBe(3);
  });

  it('flags blind-spot back-fill positions', () => {
    const r = new Jt808EventMapper().map(ctx({ backfill: true }), [report()]);
    expect(r.events[0]).toMatchObject({ type: 'vehicle.position', backfill: true });
  });

  it('skips a report without a GNSS fix or without a valid time, and says how many', () => {
    const r = new Jt808EventMapper().map(ctx(), [report({ status: 0 }), report({ time: '000000000000' })]);
    expect(r.events).toEqual([]);
    expect(r.skipped).toBe(2);
  });

  it('refuses a report the event schema refuses, naming the field', () => {
    const r = new Jt808EventMapper().map(ctx(), [report({ latE6: 95_000_000 })]);
    expect(r.events).toEqual([]);
    expect(r.invalid[0]).toMatch(/lat: /);
  });

  it('reads the reefer temperature from the configured vendor extra (int16 and sign-magnitude)', () => {
    const probe = (hex: string) => [{ id: 0x51, value: Buffer.from(hex, 'hex') }];
    const int16 = new Jt808EventMapper({ tempExtraId: 0x51, tempEncoding: 'int16', source: 'jt808' });
    expect(int16.map(ctx(), [report({ extras: probe('ff4c') })]).events[0]).toMatchObject({ tempC: -18 });
    const sm = new Jt808EventMapper({ tempExtraId: 0x51, tempEncoding: 'sign-magnitude', source: 'jt808' });
    expect(sm.map(ctx(), [report({ extras: probe('80b4') })]).events[0]).toMatchObject({ tempC: -18 });
    const other = new Jt808EventMapper({ tempExtraId: 0x66, tempEncoding: 'int16', source: 'jt808' });
    expect(other.map(ctx(), [report({ extras: probe('ff4c') })]).events[0]).not.toHaveProperty('tempC');
    const out = int16.map(ctx(), [report({ extras: probe('7fff') })]);
    expect(out.events[0]).not.toHaveProperty('tempC');
    expect(out.notes[0]).toMatch(/3276.7 °C .* out of range/);
  });
});

describe('Jt808EventMapper incidents', () => {
  const SOS = 1 << 0;
  const POWER_LOST = 1 << 8;
  const OVERTIME_PARKING = 1 << 19;
  const ROUTE_DEVIATION = 1 << 23;
  const COLLISION = 1 << 29;
  const ROLLOVER = 1 << 30;
  const DOOR = 1 << 31;
  const OVERSPEED = 1 << 1;
  const kinds = (r: ReturnType<Jt808EventMapper['map']>) => r.events.filter((e) => e.type === 'vehicle.incident').map((e) => (e as { kind: string }).kind);

  it('raises each alarm bit of interest as its incident kind', () => {
    const r = new Jt808EventMapper().map(ctx(), [report({ alarm: (SOS | POWER_LOST | OVERTIME_PARKING | ROUTE_DEVIATION | COLLISION | ROLLOVER | DOOR | OVERSPEED) >>> 0 })]);
    expect(kinds(r).sort()).toEqual(['collision', 'illegal_door_open', 'overtime_parking', 'power_lost', 'rollover', 'route_deviation', 'sos']);
    expect(r.events.find((e) => e.type === 'vehicle.incident')).toMatchObject({ vehicleId: 'VEH-0001', lat: 31.23, lon: 121.47, at: '2024-03-01T00:30:15.000Z' });
  });

  it('raises on the rising edge only, and again after the bit falls', () => {
    const m = new Jt808EventMapper();
    expect(kinds(m.map(ctx(), [report({ alarm: SOS, time: '240301083015' })]))).toEqual(['sos']);
    expect(kinds(m.map(ctx(), [report({ alarm: SOS, time: '240301083016' })]))).toEqual([]);
    expect(kinds(m.map(ctx(), [report({ alarm: 0, time: '240301083017' })]))).toEqual([]);
    expect(kinds(m.map(ctx(), [report({ alarm: SOS, time: '240301083018' })]))).toEqual(['sos']);
  });

  it('keeps the alarm state per terminal, across connections, and orders a batch by time', () => {
    const tracker = new AlarmEdgeTracker();
    const m = new Jt808EventMapper(undefined, tracker);
    const batch = [report({ alarm: COLLISION, time: '240301083017' }), report({ alarm: 0, time: '240301083015' }), report({ alarm: COLLISION, time: '240301083016' })];
    const r = m.map(ctx(), batch);
    expect(kinds(r)).toEqual(['collision']);
    expect(r.events.find((e) => e.type === 'vehicle.incident')?.at).toBe('2024-03-01T00:30:16.000Z');
    expect(tracker.bits('13800138000')).toBe(COLLISION);
    // Another terminal starts from nothing.
    expect(kinds(m.map(ctx({ phone: '1' }), [report({ alarm: COLLISION })]))).toEqual(['collision']);
  });

  it('raises an incident without coordinates when the report has no fix', () => {
    const r = new Jt808EventMapper().map(ctx(), [report({ alarm: SOS, status: 0 })]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ type: 'vehicle.incident', kind: 'sos' });
    expect(r.events[0]).not.toHaveProperty('lat');
  });
});
