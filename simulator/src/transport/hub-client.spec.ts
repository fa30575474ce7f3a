import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testNetwork } from '../testing/test-network';
import { HubClient } from './hub-client';

/** A real HTTP server standing in for the hub, to check what goes over the wire. */
describe('HubClient', () => {
  let server: Server;
  let url: string;
  let answer: (req: IncomingMessage, body: string, res: ServerResponse) => void;
  const seen: { method?: string; url?: string; auth?: string; type?: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
        answer(req, body, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => (seen.length = 0));

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const ev = (i: number) => ({ id: `00000000-0000-5000-8000-${String(i).padStart(12, '0')}`, type: 'sorting.scan' as const, at: '2024-06-01T08:00:00+08:00', floorId: 'FL-SHA-1', parcels: i });

  it('posts NDJSON with the bearer token and reads the answer', async () => {
    answer = (_q, _b, res) => json(res, 200, { accepted: 2, duplicates: 1, rejected: [] });
    const r = await new HubClient(url, 'tok', { format: 'ndjson', timeoutMs: 5000 }).postEvents([ev(1), ev(2)]);
    expect(r).toEqual({ kind: 'ok', response: { accepted: 2, duplicates: 1, rejected: [] } });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/events', auth: 'Bearer tok', type: 'application/x-ndjson' });
    expect(seen[0].body.trim().split('\n').map((l) => JSON.parse(l).parcels)).toEqual([1, 2]);
  });

  it('posts a JSON array when asked', async () => {
    answer = (_q, _b, res) => json(res, 200, { accepted: 1, duplicates: 0, rejected: [] });
    await new HubClient(`${url}/`, 'tok', { format: 'json', timeoutMs: 5000 }).postEvents([ev(3)]);
    expect(seen[0].type).toBe('application/json');
    expect(JSON.parse(seen[0].body)).toHaveLength(1);
  });

  it('tells retry, split and stop apart', async () => {
    const c = new HubClient(url, 'tok', { format: 'ndjson', timeoutMs: 5000 });
    answer = (_q, _b, res) => json(res, 503, { code: 'ingest/unavailable' });
    expect((await c.postEvents([ev(1)])).kind).toBe('retry');
    answer = (_q, _b, res) => json(res, 413, { code: 'ingest/too_large' });
    expect((await c.postEvents([ev(1)])).kind).toBe('too_large');
    answer = (_q, _b, res) => json(res, 401, { code: 'auth/invalid_token' });
    expect(await c.postEvents([ev(1)])).toMatchObject({ kind: 'fatal', status: 401 });
    answer = (_q, _b, res) => json(res, 200, { hello: 'not an ingest response' });
    expect((await c.postEvents([ev(1)])).kind).toBe('retry');
  });

  it('retries when nothing listens', async () => {
    const r = await new HubClient('http://127.0.0.1:1', 'tok', { format: 'ndjson', timeoutMs: 2000 }).postEvents([ev(1)]);
    expect(r.kind).toBe('retry');
  });

  it('fetches and checks the network', async () => {
    const net = testNetwork({ day: '2024-06-01' });
    answer = (_q, _b, res) => json(res, 200, net);
    expect((await new HubClient(url, 'tok').getNetwork()).sites.length).toBe(net.sites.length);
    answer = (_q, _b, res) => json(res, 200, { ...net, sites: 'nope' });
    await expect(new HubClient(url, 'tok').getNetwork()).rejects.toThrow(/does not match the shared schema at sites/);
    answer = (_q, _b, res) => json(res, 403, { code: 'auth/forbidden' });
    await expect(new HubClient(url, 'tok').getNetwork()).rejects.toThrow(/answered 403/);
  });

  it('uploads evidence as raw bytes and reads the uri', async () => {
    answer = (_q, _b, res) => json(res, 200, { uri: '/api/v1/evidence/ab.png', sha256: 'ab' });
    const r = await new HubClient(url, 'tok').uploadEvidence({ sha256: 'ab', contentType: 'image/png', bytes: Buffer.from([1, 2, 3]) });
    expect(r).toEqual({ kind: 'ok', uri: '/api/v1/evidence/ab.png' });
    expect(seen[0]).toMatchObject({ url: '/api/v1/evidence', type: 'image/png' });
  });
});
