import { decodeFrame, encodeFrame } from './jt808-frame.codec';
import {
  decodeAuthenticate,
  decodeGeneralAck,
  decodeLocation,
  decodeLocationBatch,
  decodePlatformAck,
  decodeRegister,
  decodeRegisterAck,
  decodeResendRequest,
  encodeAuthenticate,
  encodeGeneralAck,
  encodeLocation,
  encodeLocationBatch,
  encodePlatformAck,
  encodeRegister,
  encodeRegisterAck,
  encodeResendRequest,
  readStandardExtras,
  viewLocation,
  type LocationReport,
} from './jt808-message.codec';
import { AckResult, RegisterResult } from './jt808.constants';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/**
 * A 0x0200 body laid out by hand from the standard: alarm DWORD, status DWORD, lat DWORD, lon DWORD,
 * altitude WORD, speed WORD, direction WORD, BCD[6] time, then (id, length, value) extras.
 */
const LOCATION_BODY = hex(
  [
    '20000001', // alarm: bit 29 collision, bit 0 SOS
    '00000003', // status: ACC on, fixed
    '01dcd3c0', // lat 31.249344 (31249344)
    '0738a5e0', // lon 121.152992 (121152992)
    '0010', // altitude 16 m
    '0320', // speed 80.0 km/h (800)
    '005a', // direction 90
    '240301083015', // 2024-03-01 08:30:15 GMT+8
    '01 04 0001e240', // mileage 12345.6 km
    '02 02 0fa0', // fuel 400.0 L
    '12 06 04 0000002a 01', // route 42, leaving
    '30 01 1c', // signal 28
    '31 01 0b', // 11 satellites
    '51 04 ffce 0032', // vendor: two temperature probes, -5.0 and 5.0 °C (int16, 0.1 °C)
  ].join(''),
);

describe('0x0200 location report', () => {
  const loc = decodeLocation(LOCATION_BODY);

  it('decodes the basic block', () => {
    expect(loc).toMatchObject({ alarm: 0x20000001, status: 3, latE6: 31249344, lonE6: 121152992, altitudeM: 16, speed10: 800, direction: 90, time: '240301083015' });
    expect(viewLocation(loc)).toEqual({
      lat: 31.249344,
      lon: 121.152992,
      speedKmh: 80,
      heading: 90,
      altitudeM: 16,
      fixed: true,
      accOn: true,
      atMs: Date.parse('2024-03-01T00:30:15Z'),
    });
  });

  it('decodes the standard extras and keeps vendor ones raw', () => {
    expect(readStandardExtras(loc.extras)).toEqual({
      mileageKm: 12345.6,
      fuelL: 400,
      areaRouteInOut: { kind: 4, areaId: 42, direction: 1 },
      signalStrength: 28,
      satellites: 11,
    });
    expect(loc.extras.find((e) => e.id === 0x51)?.value).toEqual(hex('ffce0032'));
  });

  it('applies the south (bit 2) and west (bit 3) status bits', () => {
    const b = Buffer.from(LOCATION_BODY);
    b.writeUInt32BE(0b1110, 4);
    const v = viewLocation(decodeLocation(b));
    expect([v.lat, v.lon, v.fixed]).toEqual([-31.249344, -121.152992, true]);
  });

  it('round-trips to the same bytes', () => {
    expect(encodeLocation(loc)).toEqual(LOCATION_BODY);
  });

  it('names what is wrong with a short body or an overrunning extra', () => {
    expect(() => decodeLocation(LOCATION_BODY.subarray(0, 20))).toThrow(/ends at byte 20 before direction/);
    expect(() => decodeLocation(Buffer.concat([LOCATION_BODY.subarray(0, 28), hex('01 09 0000')]))).toThrow(/extra 0x01 claims 9 bytes but only 2 remain/);
    const badTime = Buffer.from(LOCATION_BODY);
    badTime[22] = 0x2a;
    expect(() => decodeLocation(badTime)).toThrow(/time: byte 0x2a/);
  });
});

describe('0x0704 batch / blind-spot back-fill', () => {
  // count WORD, type BYTE (1 = blind spot), then per item: length WORD, location body.
  const item2 = Buffer.from(LOCATION_BODY.subarray(0, 28));
  item2.write('240301083016', 22, 'hex');
  const body = Buffer.concat([hex('0002 01'), hex('003a'), LOCATION_BODY, hex('001c'), item2]);

  it('decodes count, type and every item, keeping each raw body', () => {
    const b = decodeLocationBatch(body);
    expect(b.type).toBe(1);
    expect(b.items.map((i) => i.location.time)).toEqual(['240301083015', '240301083016']);
    expect(b.items[0].raw).toEqual(LOCATION_BODY);
  });

  it('round-trips', () => {
    const b = decodeLocationBatch(body);
    expect(encodeLocationBatch(b.type, b.items.map((i) => i.location))).toEqual(body);
  });

  it('refuses an unknown type and a count larger than the items', () => {
    expect(() => decodeLocationBatch(Buffer.concat([hex('0001 02'), hex('001c'), item2]))).toThrow(/type 2/);
    expect(() => decodeLocationBatch(Buffer.concat([hex('0003 00'), hex('001c'), item2]))).toThrow(/length of item 2/);
  });
});

describe('0x0100 register', () => {
  // 2013: province WORD, city WORD, maker BYTE[5], model BYTE[20], terminal id BYTE[7], colour BYTE, plate GBK.
  const body2013 = Buffer.concat([
    hex('001f 0073'),
    Buffer.from('KJ001'),
    Buffer.concat([Buffer.from('KJ-T808'), Buffer.alloc(13)]),
    Buffer.concat([Buffer.from('A12345'), Buffer.alloc(1)]),
    hex('02'),
    hex('bba641313233343536'), // 沪A123456 in GBK
  ]);

  it('decodes a 2013 body, GBK plate included', () => {
    expect(decodeRegister(body2013, '2013')).toEqual({ province: 31, city: 115, manufacturerId: 'KJ001', model: 'KJ-T808', terminalId: 'A12345', plateColor: 2, plate: '沪A123456' });
  });

  it('round-trips both versions (2019 widens maker to 11, model and id to 30)', () => {
    const q = decodeRegister(body2013, '2013');
    expect(encodeRegister(q, '2013')).toEqual(body2013);
    const b19 = encodeRegister(q, '2019');
    expect(b19.length).toBe(4 + 11 + 30 + 30 + 1 + 9);
    expect(decodeRegister(b19, '2019')).toEqual(q);
  });

  it('refuses a field wider than its slot', () => {
    expect(() => encodeRegister({ ...decodeRegister(body2013, '2013'), manufacturerId: 'TOOLONG' }, '2013')).toThrow(/manufacturer id "TOOLONG" is 7 bytes/);
  });
});

describe('0x0102 authenticate', () => {
  it('2013: the whole body is the code', () => {
    expect(decodeAuthenticate(Buffer.from('ABC123'), '2013')).toEqual({ authCode: 'ABC123' });
    expect(encodeAuthenticate({ authCode: 'ABC123' }, '2013')).toEqual(Buffer.from('ABC123'));
  });

  it('2019: length BYTE, code, IMEI BYTE[15], software version BYTE[20]', () => {
    const body = Buffer.concat([hex('06'), Buffer.from('ABC123'), Buffer.from('860000000000001'), Buffer.concat([Buffer.from('V1.2'), Buffer.alloc(16)])]);
    const q = decodeAuthenticate(body, '2019');
    expect(q).toEqual({ authCode: 'ABC123', imei: '860000000000001', softwareVersion: 'V1.2' });
    expect(encodeAuthenticate(q, '2019')).toEqual(body);
  });
});

describe('general acks', () => {
  it('0x0001 terminal ack: reply serial, reply id, result', () => {
    expect(decodeGeneralAck(hex('0005 8103 00'))).toEqual({ replySerial: 5, replyId: 0x8103, result: 0 });
    expect(encodeGeneralAck({ replySerial: 5, replyId: 0x8103, result: 0 })).toEqual(hex('0005 8103 00'));
  });
});

describe('platform messages round-trip through a whole frame, both versions', () => {
  const cases: { name: string; msgId: number; body: Buffer; decode: (b: Buffer, v: '2013' | '2019') => unknown; value: unknown }[] = [
    {
      name: '0x8001 platform general ack',
      msgId: 0x8001,
      body: encodePlatformAck({ replySerial: 0x7e7d, replyId: 0x0200, result: AckResult.Success }),
      decode: (b) => decodePlatformAck(b),
      value: { replySerial: 0x7e7d, replyId: 0x0200, result: 0 },
    },
    {
      name: '0x8100 register ack (success, with code)',
      msgId: 0x8100,
      body: encodeRegisterAck({ replySerial: 9, result: RegisterResult.Success, authCode: 'A1B2C3' }),
      decode: (b) => decodeRegisterAck(b),
      value: { replySerial: 9, result: 0, authCode: 'A1B2C3' },
    },
    {
      name: '0x8100 register ack (refused, no code)',
      msgId: 0x8100,
      body: encodeRegisterAck({ replySerial: 9, result: RegisterResult.NoSuchTerminal }),
      decode: (b) => decodeRegisterAck(b),
      value: { replySerial: 9, result: 4 },
    },
  ];
  for (const v of ['2013', '2019'] as const) {
    for (const c of cases) {
      it(`${c.name} (${v})`, () => {
        const wire = encodeFrame({ msgId: c.msgId, version: v, phone: '13800138000', serial: 3 }, c.body);
        const r = decodeFrame(wire.subarray(1, -1));
        if (!r.ok) throw new Error(r.detail);
        expect(r.frame.header.msgId).toBe(c.msgId);
        expect(c.decode(r.frame.body, v)).toEqual(c.value);
      });
    }
    it(`0x8003 resend request (${v})`, () => {
      const body = encodeResendRequest({ originalSerial: 0x10, packetIds: [2, 5] }, v);
      // 2013: count is a BYTE; 2019: a WORD.
      expect(body).toEqual(v === '2013' ? hex('0010 02 0002 0005') : hex('0010 0002 0002 0005'));
      const wire = encodeFrame({ msgId: 0x8003, version: v, phone: '13800138000', serial: 4 }, body);
      const r = decodeFrame(wire.subarray(1, -1));
      if (!r.ok) throw new Error(r.detail);
      expect(decodeResendRequest(r.frame.body, v)).toEqual({ originalSerial: 0x10, packetIds: [2, 5] });
    });
  }

  it('the 0x8001 body is laid out as reply serial WORD, reply id WORD, result BYTE', () => {
    expect(encodePlatformAck({ replySerial: 0x0102, replyId: 0x0704, result: AckResult.MessageError })).toEqual(hex('0102 0704 02'));
  });

  it('the 0x8100 body is reply serial WORD, result BYTE, then the code only on success', () => {
    expect(encodeRegisterAck({ replySerial: 0x0102, result: RegisterResult.Success, authCode: 'XY' })).toEqual(hex('0102 00 5859'));
    expect(encodeRegisterAck({ replySerial: 0x0102, result: RegisterResult.NoSuchVehicle })).toEqual(hex('0102 02'));
  });
});

describe('terminal messages round-trip', () => {
  it('a location with no extras and a location with many', () => {
    const plain: LocationReport = { alarm: 0, status: 2, latE6: 1, lonE6: 2, altitudeM: 3, speed10: 4, direction: 359, time: '991231235959', extras: [] };
    expect(decodeLocation(encodeLocation(plain))).toEqual(plain);
    const many = { ...plain, extras: Array.from({ length: 20 }, (_, i) => ({ id: 0xe1 + i, value: Buffer.alloc(i, i) })) };
    expect(decodeLocation(encodeLocation(many))).toEqual(many);
  });
});
