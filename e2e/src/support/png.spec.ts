import { inflateSync } from 'node:zlib';
import { crc32, encodePng, snapshotPng } from './png';

describe('png', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('writes a valid PNG: signature, IHDR with the size, pixels that inflate back', () => {
    const png = encodePng(3, 2, (x, y) => [x * 10, y * 20, 7]);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(3);
    expect(png.readUInt32BE(20)).toBe(2);
    const idatLen = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect([...raw.subarray(0, 10)]).toEqual([0, 0, 0, 7, 10, 0, 7, 20, 0, 7]);
    // Each chunk's CRC covers its type and data.
    expect(png.readUInt32BE(41 + idatLen)).toBe(crc32(png.subarray(37, 41 + idatLen)));
  });

  it('draws different snapshots for different seeds', () => {
    expect(snapshotPng(1).equals(snapshotPng(2))).toBe(false);
    expect(snapshotPng(3).equals(snapshotPng(3))).toBe(true);
  });
});
