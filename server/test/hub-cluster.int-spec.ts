import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { position } from './support/events';
import { connectLive, createTestEnv, login, postEvents, query, startHub, type TestEnv, waitFor } from './support/test-hub';
import { deltaPositions, type SubscribeAck } from '@kanjian/shared';
import { freePort } from '../src/bench/processes';


describe('hub: several instances and crash safety', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await createTestEnv();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('shares a room between two hub instances through Redis: ingest on one, receive on the other', async () => {
    const a = await startHub(t);
    const b = await startHub(t);
    try {
      expect(a.url).not.toBe(b.url);
      const s = await connectLive(b.url, await login(b.url, 'hq'));
      const ack = await new Promise<{ ok: boolean }>((r) => s.emit('subscribe.v1', { room: 'hq' }, r));
      expect(ack.ok).toBe(true);
      const veh = t.net.vehicles[0]!.id;
      const got = waitFor(s, (d) => deltaPositions(d).find((p) => p[0] === veh && p[1] === 22.5));
      expect((await postEvents(a.url, t.token, [position(veh, { lat: 22.5 })])).status).toBe(200);
      expect((await got)[1]).toBe(22.5);
      s.disconnect();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('gives a joining screen the whole fleet whichever hub took each position in, the newest position winning', async () => {
    const a = await startHub(t);
    const b = await startHub(t);
    try {
      const [x, y] = [t.net.vehicles[3]!.id, t.net.vehicles[4]!.id];
      const now = Date.now();
      const at = (ago: number) => new Date(now - ago).toISOString();
      expect((await postEvents(a.url, t.token, [position(x, { lat: 23.0, at: at(60_000) }), position(y, { lat: 24.0, at: at(30_000) })])).status).toBe(200);
      expect((await postEvents(b.url, t.token, [position(x, { lat: 23.1, at: at(10_000) })])).status).toBe(200);
      // Back-filled on the first hub after the newer one reached the second: it must not win.
      expect((await postEvents(a.url, t.token, [position(x, { lat: 22.9, at: at(50_000) })])).status).toBe(200);
      for (const hub of [a, b]) {
        const s = await connectLive(hub.url, await login(hub.url, 'hq'));
        try {
          let fleet = new Map<string, number>();
          // Each hub writes its share once a second.
          for (let i = 0; i < 40 && !(fleet.get(x) === 23.1 && fleet.has(y)); i++) {
            const ack = await new Promise<SubscribeAck>((r) => s.emit('subscribe.v1', { room: 'hq' }, r));
            if (!ack.ok) throw new Error(ack.message);
            fleet = new Map(ack.snapshot.vehicles.map((v) => [v[0], v[1]]));
            await new Promise((r) => setTimeout(r, 100));
          }
          expect([fleet.get(x), fleet.get(y)]).toEqual([23.1, 24.0]);
        } finally {
          s.disconnect();
        }
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  async function hubProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
    const main = join(__dirname, '../dist/main.js');
    if (!existsSync(main)) throw new Error('build the server first (npm run build): this test runs dist/main.js as a real process');
    const port = await freePort();
    const child: ChildProcess = spawn(process.execPath, [main], {
      env: { ...process.env, ...t.env, KJ_HTTP_PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 150 || child.exitCode !== null) throw new Error('hub did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    return { child, url };
  }

  it('keeps an acknowledged batch when the hub is killed with SIGKILL right after the answer', async () => {
    const { child, url } = await hubProcess({ KJ_INGEST_FLUSH_MS: '200' });
    try {
      const veh = t.net.vehicles[1]!.id;
      const base = Date.now() - 3_600_000;
      const batch = Array.from({ length: 500 }, (_, i) => position(veh, { at: new Date(base + i * 1000).toISOString() }));
      const res = await postEvents(url, t.token, batch);
      child.kill('SIGKILL');
      expect(res.status).toBe(200);
      expect(((await res.json()) as { accepted: number }).accepted).toBe(500);
      await new Promise((r) => child.once('exit', r));
      const rows = await query(t.dbUrl, `SELECT count(*)::int AS n FROM vehicle_positions WHERE id = ANY($1::uuid[])`, [batch.map((e) => e.id)]);
      expect(rows[0]!.n).toBe(500);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('flushes what it buffered on SIGTERM, answers the request, and exits cleanly', async () => {
    // A long flush interval keeps the batch in the buffer when the signal arrives.
    const { child, url } = await hubProcess({ KJ_INGEST_FLUSH_MS: '3000' });
    try {
      const veh = t.net.vehicles[2]!.id;
      const base = Date.now() - 7_200_000;
      const batch = Array.from({ length: 300 }, (_, i) => position(veh, { at: new Date(base + i * 1000).toISOString() }));
      const pending = postEvents(url, t.token, batch);
      await new Promise((r) => setTimeout(r, 300));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      const res = await pending;
      expect(res.status).toBe(200);
      expect(((await res.json()) as { accepted: number }).accepted).toBe(300);
      expect(await exited).toBe(0);
      const rows = await query(t.dbUrl, `SELECT count(*)::int AS n FROM vehicle_positions WHERE id = ANY($1::uuid[])`, [batch.map((e) => e.id)]);
      expect(rows[0]!.n).toBe(300);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
