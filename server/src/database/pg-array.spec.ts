import { pgArray } from './pg-array';

describe('pgArray', () => {
  it('writes numbers, booleans and nulls bare', () => {
    expect(pgArray([1, -2.5, 1e-7, null, undefined, true, false])).toBe('{1,-2.5,1e-7,NULL,NULL,t,f}');
  });

  it('writes plain tokens bare and quotes everything else', () => {
    expect(pgArray(['V-001', '2026-11-23T07:00:00.000Z', 'null', '', 'a b', 'x,y', '{z}', 'q"uote', 'back\\slash'])).toBe(
      '{V-001,2026-11-23T07:00:00.000Z,"null","","a b","x,y","{z}","q\\"uote","back\\\\slash"}',
    );
  });

  it('spells the non-finite floats as PostgreSQL does', () => {
    expect(pgArray([NaN, Infinity, -Infinity])).toBe('{NaN,Infinity,-Infinity}');
  });

  it('writes an empty array', () => {
    expect(pgArray([])).toBe('{}');
  });
});
