import { bcdTimeToEpochMs, decodeBcd, encodeBcd, epochMsToBcdTime, normalizePhone } from './bcd.util';

describe('BCD', () => {
  it('packs two digits per byte, high nibble first, left-padded', () => {
    expect(encodeBcd('13800138000', 6)).toEqual(Buffer.from([0x01, 0x38, 0x00, 0x13, 0x80, 0x00]));
    expect(decodeBcd(Buffer.from([0x01, 0x38, 0x00, 0x13, 0x80, 0x00]), 0, 6)).toBe('013800138000');
  });

  it('refuses nibbles above 9 and too many digits', () => {
    expect(() => decodeBcd(Buffer.from([0x1a]), 0, 1)).toThrow(/0x1a at offset 0 is not BCD/);
    expect(() => encodeBcd('1234567', 3)).toThrow(/more than 6 digits/);
    expect(() => encodeBcd('12a', 3)).toThrow(/not a string of digits/);
  });

  it('normalizes 2013 (12 digits) and 2019 (20 digits) forms of one phone to the same key', () => {
    expect(normalizePhone('013800138000')).toBe('13800138000');
    expect(normalizePhone('00000000013800138000')).toBe('13800138000');
    expect(normalizePhone('000000000000')).toBe('0');
  });
});

describe('GMT+8 BCD time', () => {
  it('converts 2024-03-01 08:30:15 in Beijing to 00:30:15 UTC', () => {
    expect(new Date(bcdTimeToEpochMs('240301083015')!).toISOString()).toBe('2024-03-01T00:30:15.000Z');
  });

  it('crosses the date line backwards: 2024-01-01 05:00 Beijing is 2023-12-31 21:00 UTC', () => {
    expect(new Date(bcdTimeToEpochMs('240101050000')!).toISOString()).toBe('2023-12-31T21:00:00.000Z');
  });

  it('returns null for zeros and impossible dates instead of shifting them', () => {
    expect(bcdTimeToEpochMs('000000000000')).toBeNull();
    expect(bcdTimeToEpochMs('240231120000')).toBeNull();
    expect(bcdTimeToEpochMs('241301120000')).toBeNull();
    expect(bcdTimeToEpochMs('240301246000')).toBeNull();
  });

  it('round-trips through epochMsToBcdTime', () => {
    const ms = Date.UTC(2025, 6, 14, 16, 5, 9);
    expect(epochMsToBcdTime(ms)).toBe('250715000509');
    expect(bcdTimeToEpochMs(epochMsToBcdTime(ms))).toBe(ms);
  });
});
