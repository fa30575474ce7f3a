import { randomUUID } from 'node:crypto';
import { deltaPositions, INGEST_LIMITS, type Network, type RoomSnapshotV1, type SubscribeAck } from '@kanjian/shared';
import { createDataSource } from '../src/database/data-source';
import { AuthRepository } from '../src/auth/auth.repository';
import { position } from './support/events';
import {
  connectLive,
  createTestEnv,
  type LiveClient,
  login,
  postEvents,
  query,
  startHub,
  type TestEnv,
  type TestHub,
  waitFor,
} from './support/test-hub';

function subscribe(s: LiveClient, room: string): Promise<SubscribeAck> {
  return new Promise((resolve) => s.emit('subscribe.v1', { room }, resolve));
}

describe('hub: ingest, storage and live push', () => {
  let t: TestEnv;
  let hub: TestHub;
  let regionA: string;
  let regionB: string;
  let vehA: string;
  let vehB: string;
  const sockets: LiveClient[] = [];

  beforeAll(async () => {
    t = await createTestEnv();
    hub = await startHub(t);
    regionA = t.net.regions[0]!.id;
    regionB = t.net.regions[1]!.id;
    vehA = t.net.vehicles.find((v) => v.regionId === regionA)!.id;
    vehB = t.net.vehicles.find((v) => v.regionId === regionB)!.id;
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await hub?.close();
    await t?.drop();
  });

  async function live(user: string) {
    const s = await connectLive(hub.url, await login(hub.url, user));
    sockets.push(s);
    return s;
  }

  it('stores a batch and pushes it to the right room and not another', async () => {
    const inA = await live('region-a');
    const inB = await live('region-b');
    const ackA = await subscribe(inA, `region:${regionA}`);
    const ackB = await subscribe(inB, `region:${regionB}`);
    expect(ackA.ok && ackB.ok).toBe(true);

    let leaked = false;
    inB.on('delta.v1', (d) => {
      if (deltaPositions(d).some((p) => p[0] === vehA)) leaked = true;
    });
    const ev = position(vehA, { lat: 30.5, lon: 114.3 });
    const got = waitFor(inA, (d) => deltaPositions(d).find((p) => p[0] === vehA));
    const res = await postEvents(hub.url, t.token, [ev]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const tuple = await got;
    expect(tuple[1]).toBeCloseTo(30.5);
    expect(tuple[2]).toBeCloseTo(114.3);
    const rows = await query(t.dbUrl, `SELECT vehicle_id, lat FROM vehicle_positions WHERE id = $1`, [ev.id]);
    expect(rows).toEqual([{ vehicle_id: vehA, lat: 30.5 }]);
    // Give region B a full frame interval and more to (wrongly) receive it.
    await new Promise((r) => setTimeout(r, 600));
    expect(leaked).toBe(false);
  });

  it('numbers deltas per room so a gap can be seen, continuing from the snapshot', async () => {
    const s = await live('region-a');
    const room = `region:${regionA}`;
    const ack = await subscribe(s, room);
    if (!ack.ok) throw new Error(ack.message);
    const seqs: number[] = [];
    s.on('delta.v1', (d) => d.room === room && seqs.push(d.seq));
    for (let i = 0; i < 3; i++) {
      await postEvents(hub.url, t.token, [position(vehA)]);
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(seqs.length).toBeGreaterThanOrEqual(3);
    expect(seqs[0]).toBe(ack.snapshot.seq + 1);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
  });

  it('coalesces positions: one frame carries the latest position of each vehicle', async () => {
    const s = await live('hq');
    await subscribe(s, 'hq');
    const frames: number[][] = [];
    s.on('delta.v1', (d) => (d.kind === 'positions' || d.kind === 'positions.bin') && frames.push(deltaPositions(d).filter((p) => p[0] === vehB).map((p) => p[1])));
    const base = Date.now();
    const batch = Array.from({ length: 50 }, (_, i) => position(vehB, { at: new Date(base + i * 10).toISOString(), lat: 20 + i * 0.01 }));
    expect((await postEvents(hub.url, t.token, batch)).status).toBe(200);
    // HQ gets one frame a second (the whole fleet); wait for it and a little more.
    await new Promise((r) => setTimeout(r, 1500));
    const withB = frames.filter((f) => f.length > 0);
    expect(withB).toHaveLength(1);
    expect(withB[0]).toHaveLength(1);
    expect(withB[0]![0]).toBeCloseTo(20.49);
  });

  it('stores a duplicate id once, within a batch and across retries', async () => {
    const ev = position(vehA, { at: new Date(Date.now() - 60_000).toISOString() });
    const first = await (await postEvents(hub.url, t.token, [ev, ev])).json();
    expect(first).toEqual({ accepted: 2, duplicates: 1, rejected: [] });
    const retry = await (await postEvents(hub.url, t.token, [ev])).json();
    expect(retry).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    const rows = await query(t.dbUrl, `SELECT count(*)::int AS n FROM vehicle_positions WHERE id = $1`, [ev.id]);
    expect(rows[0]!.n).toBe(1);

    const complaint = {
      id: randomUUID(), type: 'complaint.opened', at: new Date().toISOString(), complaintId: 'C-DUP-1',
      siteId: t.net.sites[0]!.id, category: 'delay', channel: 'phone',
    };
    await postEvents(hub.url, t.token, [complaint]);
    const again = (await (await postEvents(hub.url, t.token, [complaint])).json()) as { duplicates: number };
    expect(again.duplicates).toBe(1);
    const n = await query(t.dbUrl, `SELECT count(*)::int AS n FROM events WHERE id = $1`, [complaint.id]);
    expect(n[0]!.n).toBe(1);
  });

  it('keeps the good items of a mixed batch and names the bad ones', async () => {
    const good1 = position(vehA);
    const good2 = position(vehB);
    const res = await postEvents(hub.url, t.token, [
      good1,
      { ...position(vehA), lat: 123 },
      { type: 'vehicle.teleport', id: randomUUID(), at: new Date().toISOString() },
      good2,
      { ...position('VEH-UNKNOWN') },
      'not an object',
    ]);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; rejected: { index: number; path: string; message: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => [r.index, r.path])).toEqual([
      [1, 'lat'],
      [2, 'type'],
      [4, 'vehicleId'],
      [5, '(item)'],
    ]);
    expect(body.rejected[0]!.message).toMatch(/90/);
    expect(body.rejected[2]!.message).toBe('unknown vehicle VEH-UNKNOWN');
    const rows = await query(t.dbUrl, `SELECT count(*)::int AS n FROM vehicle_positions WHERE id = ANY($1::uuid[])`, [[good1.id, good2.id]]);
    expect(rows[0]!.n).toBe(2);
  });

  it('takes NDJSON and rejects only its bad lines', async () => {
    const a = position(vehA);
    const b = position(vehB);
    const body = `${JSON.stringify(a)}\n{broken\n${JSON.stringify(b)}\n`;
    const res = await postEvents(hub.url, t.token, body, 'application/x-ndjson');
    const j = (await res.json()) as { accepted: number; rejected: { index: number; path: string }[] };
    expect(j.accepted).toBe(2);
    expect(j.rejected).toEqual([expect.objectContaining({ index: 1, path: '(line)' })]);
  });

  it('answers 400, 401, 403 and 413 as documented', async () => {
    const unparseable = await postEvents(hub.url, t.token, '[{"id": ');
    expect(unparseable.status).toBe(400);
    expect(((await unparseable.json()) as { code: string }).code).toBe('request/unparseable');
    expect((await postEvents(hub.url, t.token, '{"not":"an array"}')).status).toBe(400);

    const none = await postEvents(hub.url, null, [position(vehA)]);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('auth/missing_token');
    expect((await postEvents(hub.url, 'kjf_forged', [position(vehA)])).status).toBe(401);
    expect((await postEvents(hub.url, 'eyJhbGciOiJIUzI1NiJ9.e30.bad', [position(vehA)])).status).toBe(401);

    const ds = createDataSource(t.dbUrl, 1);
    await ds.initialize();
    const vehToken = await new AuthRepository(ds).createFeedToken('truck', `vehicle:${vehA}`);
    const regionToken = await new AuthRepository(ds).createFeedToken('region-feed', `region:${regionA}`);
    await ds.destroy();
    expect((await postEvents(hub.url, vehToken, [position(vehA)])).status).toBe(200);
    expect((await postEvents(hub.url, regionToken, [position(vehA)])).status).toBe(200);
    const foreign = position(vehB);
    const denied = await postEvents(hub.url, vehToken, [position(vehA), foreign]);
    expect(denied.status).toBe(403);
    const dj = (await denied.json()) as { code: string; details: unknown };
    expect(dj.code).toBe('auth/out_of_scope');
    expect(dj.details).toEqual([{ index: 1, subject: `vehicle:${vehB}` }]);
    expect((await postEvents(hub.url, regionToken, [foreign])).status).toBe(403);
    const stored = await query(t.dbUrl, `SELECT count(*)::int AS n FROM vehicle_positions WHERE id = $1`, [foreign.id]);
    expect(stored[0]!.n).toBe(0);

    const huge = `[${'"x",'.repeat(INGEST_LIMITS.maxBytes / 4)}"x"]`;
    const tooBig = await postEvents(hub.url, t.token, huge);
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { code: string }).code).toBe('request/too_large');
    const tooMany = await postEvents(hub.url, t.token, JSON.stringify(Array.from({ length: INGEST_LIMITS.maxItems + 1 }, () => 0)));
    expect(tooMany.status).toBe(413);
  });

  it('refuses a region user another region, and a feed token any room', async () => {
    const s = await live('region-a');
    const other = await subscribe(s, `region:${regionB}`);
    expect(other).toEqual(expect.objectContaining({ ok: false, code: 'auth/out_of_scope' }));
    const siteB = t.net.sites.find((x) => x.regionId === regionB)!.id;
    expect((await subscribe(s, `site:${siteB}`)).ok).toBe(false);
    expect((await subscribe(s, 'hq')).ok).toBe(false);
    expect((await subscribe(s, 'bogus-room')).ok).toBe(false);
    await expect(connectLive(hub.url, t.token)).rejects.toThrow(/user login/);
    await expect(connectLive(hub.url, 'nope')).rejects.toThrow(/invalid_token/);
  });

  it('gives a snapshot on join with the latest positions', async () => {
    const ev = position(vehA, { lat: 29.99, at: new Date().toISOString() });
    await postEvents(hub.url, t.token, [ev]);
    await new Promise((r) => setTimeout(r, 1300));
    const s = await live('region-a');
    const ack = await subscribe(s, `region:${regionA}`);
    if (!ack.ok) throw new Error(ack.message);
    const snap: RoomSnapshotV1 = ack.snapshot;
    expect(snap.room).toBe(`region:${regionA}`);
    expect(snap.vehicles.find((v) => v[0] === vehA)?.[1]).toBeCloseTo(29.99);
    expect(snap.vehicles.every((v) => t.net.vehicles.find((x) => x.id === v[0])?.regionId === regionA)).toBe(true);
  });

  it('serves the network with only the trips departing from a given time, and names a bad time', async () => {
    const get = (q: string) => fetch(`${hub.url}/api/v1/network${q}`, { headers: { authorization: `Bearer ${t.token}` } });
    const departures = t.net.trips.map((x) => Date.parse(x.scheduledDeparture)).sort((a, b) => a - b);
    expect(departures.length).toBeGreaterThan(10);
    const from = departures[Math.floor(departures.length / 2)]!;
    const all = (await (await get('')).json()) as Network;
    expect(all.trips).toHaveLength(t.net.trips.length);
    const res = await get(`?tripsFrom=${encodeURIComponent(new Date(from).toISOString())}`);
    expect(res.status).toBe(200);
    const ahead = (await res.json()) as Network;
    expect(ahead.trips.map((x) => x.id).sort()).toEqual(t.net.trips.filter((x) => Date.parse(x.scheduledDeparture) >= from).map((x) => x.id).sort());
    expect(ahead.vehicles).toHaveLength(t.net.vehicles.length);
    const bad = await get('?tripsFrom=yesterday');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/^tripsFrom: must be an ISO 8601 date-time/);
  });

  it('serves health, OpenAPI from the shared schemas, and Prometheus metrics', async () => {
    const h = await (await fetch(`${hub.url}/api/health`)).json();
    expect(h).toEqual(expect.objectContaining({ status: 'ok', database: expect.objectContaining({ ok: true, timescale: false }) }));
    const doc = (await (await fetch(`${hub.url}/api/openapi.json`)).json()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const item = doc.paths['/api/v1/events'].post.requestBody.content['application/json'].schema.items;
    expect(JSON.stringify(item)).toContain('vehicle.position');
    const m = await (await fetch(`${hub.url}/metrics`)).text();
    expect(m).toMatch(/kj_ingest_events_total\{outcome="stored"\} \d+/);
    expect(m).toContain('kj_ingest_flush_seconds_bucket');
    expect(m).toContain('kj_live_sockets');
  });
});
