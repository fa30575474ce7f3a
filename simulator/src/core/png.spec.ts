import { inflateSync } from 'node:zlib';
import { EvidenceFactory } from '../engine/evidence';

describe('evidence pictures', () => {
  const f = new EvidenceFactory('upload');

  it('are valid PNGs of the stated size, content-addressed', () => {
    const e = f.sortingSnapshot('FL-SHA-1:2024-06-01:3', Date.parse('2024-06-01T10:00:00+08:00'), 7, 'throw', 120);
    const png = e.blob!.bytes;
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(160);
    expect(png.readUInt32BE(20)).toBe(120);
    const idatLen = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString()).toBe('IDAT');
    expect(inflateSync(png.subarray(41, 41 + idatLen)).length).toBe((160 * 3 + 1) * 120);
    expect(e.ref).toEqual({ kind: 'snapshot', uri: `/api/v1/evidence/${e.blob!.sha256}.png`, sha256: e.blob!.sha256 });
  });

  it('are the same for the same fact and differ between facts', () => {
    const at = Date.parse('2024-06-01T10:00:00+08:00');
    expect(f.signOffPhoto('KJ1', at, 'locker').ref).toEqual(f.signOffPhoto('KJ1', at, 'locker').ref);
    expect(f.signOffPhoto('KJ1', at, 'locker').ref.uri).not.toBe(f.signOffPhoto('KJ2', at, 'locker').ref.uri);
    expect(f.inspectionPhoto('KJ1', at).ref.uri).not.toBe(f.inspectionPhoto('KJ1', at + 1000).ref.uri);
  });

  it('carry a sim: reference and no bytes when uploads are off', () => {
    expect(new EvidenceFactory('none').inspectionPhoto('KJ1', 0)).toEqual({ ref: { kind: 'photo', uri: 'sim:photo:KJ1' } });
  });
});
