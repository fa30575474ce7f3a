import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IngestEvent } from '@kanjian/shared';
import { HubIngestTransport } from './hub-ingest.transport';
import { HubTerminalDirectory } from './terminal-directory';

/** A local HTTP server standing in for the hub's two endpoints, answering what each test sets. */
let server: Server;
let url: string;
let handler: (req: IncomingMessage, body: string, res: ServerResponse) => void;
const seen: { method?: string; url?: string; auth?: string; type?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => (seen.length = 0));

const event = { id: '00000000-0000-4000-8000-000000000001', type: 'vehicle.position', at: '2024-03-01T00:00:00Z', v: 1, vehicleId: 'V', lat: 1, lon: 2, speedKmh: 3, heading: 4 } as IngestEvent;
const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('HubIngestTransport', () => {
  const t = () => new HubIngestTransport({ hubUrl: url, token: 'feed-token-123', requestTimeoutMs: 2000 });

  it('posts a JSON array with the bearer token and reads the IngestResponse', async () => {
    handler = (_req, _body, res) => json(res, 200, { accepted: 1, duplicates: 1, rejected: [{ index: 0, path: 'lat', message: 'too big' }] });
    const r = await t().send([event]);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/events', auth: 'Bearer feed-token-123', type: 'application/json' });
    expect(JSON.parse(seen[0].body)).toEqual([event]);
    expect(r).toEqual({ kind: 'answered', rejected: new Map([[0, 'lat: too big']]), duplicates: 1 });
  });

  it('retries on 5xx, 401, 429 and on a 200 that is not an IngestResponse', async () => {
    for (const [status, body] of [
      [503, { code: 'service/unavailable', message: 'db down' }],
      [401, { code: 'auth/invalid_token', message: 'unknown token' }],
      [429, {}],
      [200, { ok: true }],
    ] as const) {
      handler = (_req, _b, res) => json(res, status, body);
      expect((await t().send([event])).kind).toBe('retry');
    }
    handler = (_req, _b, res) => json(res, 503, { code: 'service/unavailable', message: 'db down' });
    expect(await t().send([event])).toEqual({ kind: 'retry', reason: expect.stringMatching(/answered 503: service\/unavailable db down/) });
  });

  it('reports 400, 403 and 413 as a refusal (the sink halves the batch)', async () => {
    for (const status of [400, 403, 413]) {
      handler = (_req, _b, res) => json(res, status, { code: 'x', message: 'no' });
      expect((await t().send([event])).kind).toBe('refused');
    }
  });

  it('retries when the hub is not there at all', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const gone = new HubIngestTransport({ hubUrl: `http://127.0.0.1:${port}`, token: 't', requestTimeoutMs: 500 });
    expect(await gone.send([event])).toEqual({ kind: 'retry', reason: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe('HubTerminalDirectory', () => {
  const vehicle = (id: string, terminalPhone: string | null) => ({ id, plate: `沪A${id}`, homeSiteId: 'S', regionId: 'R', coldProfile: 'none', terminalPhone });
  const network = (vehicles: unknown[]) => ({ regions: [], sites: [], floors: [], cameras: [], vehicles, routes: [], trips: [], teams: [], people: [] });

  it('maps normalized phones to vehicles and skips trucks without a terminal', async () => {
    handler = (_req, _b, res) => json(res, 200, network([vehicle('V1', '013800138000'), vehicle('V2', null), vehicle('V3', '15900000001')]));
    const d = new HubTerminalDirectory({ hubUrl: url, token: 'tok', requestTimeoutMs: 2000 });
    expect(await d.refresh()).toBe(2);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/api/v1/network', auth: 'Bearer tok' });
    expect(d.lookup('13800138000')).toEqual({ vehicleId: 'V1', plate: '沪AV1' });
    expect(d.lookup('15900000001')?.vehicleId).toBe('V3');
    expect(d.lookup('13800138001')).toBeUndefined();
  });

  it('names the failure and keeps the previous mapping', async () => {
    handler = (_req, _b, res) => json(res, 200, network([vehicle('V1', '1')]));
    const d = new HubTerminalDirectory({ hubUrl: url, token: 'tok', requestTimeoutMs: 2000 });
    await d.refresh();
    handler = (_req, _b, res) => json(res, 403, { code: 'auth/forbidden' });
    await expect(d.refresh()).rejects.toThrow(/network answered 403/);
    handler = (_req, _b, res) => json(res, 200, { vehicles: [{ id: 1 }] });
    await expect(d.refresh()).rejects.toThrow(/vehicles do not match the network schema/);
    expect(d.lookup('1')?.vehicleId).toBe('V1');
  });
});
