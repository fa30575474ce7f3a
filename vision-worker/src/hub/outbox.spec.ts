import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { IngestEvent } from '@kanjian/shared';
import { HubClient } from './hub-client';
import { Outbox } from './outbox';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Seen {
  path: string;
  type: string;
  body: Buffer;
}

/** A stand-in hub over real HTTP: records what arrives, answers like the ingest API. */
function fakeHub(status: (req: IncomingMessage, body: Buffer) => number = () => 200) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const code = status(req, body);
      if (code !== 200) {
        res.writeHead(code).end('{"code":"bad","message":"nope"}');
        return;
      }
      seen.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/v1/events') {
        const n = (JSON.parse(body.toString()) as unknown[]).length;
        res.end(JSON.stringify({ accepted: n, duplicates: 0, rejected: [] }));
      } else res.end(JSON.stringify({ uri: '/api/v1/evidence/x.jpg', sha256: 'x' }));
    });
  });
  return { server, seen };
}

const heartbeat = (n: number): IngestEvent =>
  ({ id: randomUUID(), type: 'camera.heartbeat', at: new Date(1_700_000_000_000 + n * 1000).toISOString(), v: 1, cameraId: 'CAM-1', floorId: 'F-1', status: 'ok' }) as IngestEvent;

describe('Outbox', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kj-outbox-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps everything while the hub is down and delivers it in order, once, when it comes back', async () => {
    const { server, seen } = fakeHub();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r())); // hub down: nothing listens on the port
    const outbox = new Outbox(dir, new HubClient(`http://127.0.0.1:${port}`, 'tok', 2000), quiet);
    const ev = await outbox.addEvidence(Buffer.from('jpeg-bytes'), 'image/jpeg');
    expect(ev.uri).toBe(`/api/v1/evidence/${ev.sha256}.jpg`);
    await outbox.addEvents([heartbeat(1)]);
    await outbox.addEvents([heartbeat(2), heartbeat(3)]);
    await outbox.drain();
    expect(outbox.pending).toBe(3);

    // a restarted worker finds the same entries on disk
    const again = new Outbox(dir, new HubClient(`http://127.0.0.1:${port}`, 'tok', 2000), quiet);
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    await again.drain();
    await again.drain();
    await new Promise<void>((r) => server.close(() => r()));
    expect(again.pending).toBe(0);
    expect(seen.map((s) => [s.path, s.type])).toEqual([
      ['/api/v1/evidence', 'image/jpeg'],
      ['/api/v1/events', 'application/json'],
    ]);
    expect(seen[0].body.toString()).toBe('jpeg-bytes');
    const sent = JSON.parse(seen[1].body.toString()) as { at: string }[];
    expect(sent.map((e) => e.at)).toEqual([1, 2, 3].map((n) => new Date(1_700_000_000_000 + n * 1000).toISOString()));
  });

  it('moves an entry the hub refuses as malformed to dead/ with the reason and carries on', async () => {
    const { server, seen } = fakeHub((req) => (req.url === '/api/v1/evidence' ? 400 : 200));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const outbox = new Outbox(dir, new HubClient(`http://127.0.0.1:${port}`, 'tok'), quiet);
    await outbox.addEvidence(Buffer.from('broken'), 'image/jpeg');
    await outbox.addEvents([heartbeat(1)]);
    await outbox.drain();
    await new Promise<void>((r) => server.close(() => r()));
    expect(outbox.pending).toBe(0);
    expect(seen.map((s) => s.path)).toEqual(['/api/v1/events']);
    const dead = readdirSync(join(dir, 'dead'));
    expect(dead.some((f) => f.endsWith('-evidence.jpg'))).toBe(true);
    expect(dead.some((f) => f.endsWith('.reason.txt'))).toBe(true);
  });

  it('keeps entries while the hub refuses the token (a configuration problem, not bad data)', async () => {
    const { server } = fakeHub(() => 401);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const outbox = new Outbox(dir, new HubClient(`http://127.0.0.1:${port}`, 'wrong'), quiet);
    await outbox.addEvents([heartbeat(1)]);
    outbox.stop();
    await outbox.drain();
    await new Promise<void>((r) => server.close(() => r()));
    expect(outbox.pending).toBe(1);
    expect(readdirSync(join(dir, 'dead'))).toEqual([]);
  });
});
