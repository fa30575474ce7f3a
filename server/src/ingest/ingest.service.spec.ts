import { splitBody } from './ingest.service';

describe('splitBody', () => {
  it('reads a JSON array', () => {
    expect(splitBody(Buffer.from('[{"a":1},2]'), false)).toEqual({ items: [{ a: 1 }, 2], issues: [] });
  });
  it('refuses a body that is not JSON, or not an array', () => {
    expect(() => splitBody(Buffer.from('[{"a":'), false)).toThrow(/not valid JSON/);
    expect(() => splitBody(Buffer.from('{"a":1}'), false)).toThrow(/JSON array/);
  });
  it('reads NDJSON line by line, naming the bad lines by their index', () => {
    const r = splitBody(Buffer.from('{"a":1}\n\n{bad\r\n{"b":2}\n'), true);
    expect(r.items).toEqual([{ a: 1 }, undefined, { b: 2 }]);
    expect(r.issues).toEqual([{ index: 1, path: '(line)', message: expect.stringMatching(/not valid JSON/) }]);
  });
});
