import { randomUUID } from 'node:crypto';
import type { Network } from '@kanjian/shared';
import { AuthRepository } from '../../src/auth/auth.repository';
import { createDataSource } from '../../src/database/data-source';
import { createTestEnv, login, postEvents, query, startHub, type TestEnv, type TestHub } from './test-hub';

/** The units and people the rules tests act on, picked from the seeded reference network. */
export interface RulesWorld {
  regionId: string;
  otherRegionId: string;
  hubId: string;
  floorId: string;
  otherFloorId: string;
  cameraId: string;
  sorterId: string;
  leaderId: string;
  stationId: string;
  courierId: string;
  courierLeaderId: string;
  vehicleId: string;
  coldVehicleId: string;
  frozenVehicleId: string | null;
  routeId: string;
  destSiteId: string;
}

export function pickWorld(net: Network): RulesWorld {
  const region = net.regions[0]!;
  const other = net.regions[1]!;
  const hub = net.sites.find((s) => s.kind === 'hub' && s.regionId === region.id && net.floors.filter((f) => f.siteId === s.id).length >= 2)
    ?? net.sites.find((s) => s.kind === 'hub' && s.regionId === region.id)!;
  const floors = net.floors.filter((f) => f.siteId === hub.id);
  const floor = floors[0]!;
  const camera = net.cameras.find((c) => c.floorId === floor.id)!;
  const team = net.teams.find((t) => t.floorId === floor.id && t.leaderId)!;
  const sorter = net.people.find((p) => p.role === 'sorter' && p.teamId === team.id)!;
  const station = net.sites.find((s) => s.kind === 'station' && s.regionId === region.id && net.people.some((p) => p.role === 'courier' && p.siteId === s.id))!;
  const courier = net.people.find((p) => p.role === 'courier' && p.siteId === station.id)!;
  const stTeam = net.teams.find((t) => t.id === courier.teamId)!;
  const route = net.routes.find((r) => r.originSiteId === hub.id && r.path.length > 3)!;
  const vehicle = net.vehicles.find((v) => v.coldProfile === 'none' && v.regionId === region.id) ?? net.vehicles.find((v) => v.coldProfile === 'none')!;
  const cold = net.vehicles.find((v) => v.coldProfile === 'chilled')!;
  const frozen = net.vehicles.find((v) => v.coldProfile === 'frozen') ?? null;
  return {
    regionId: region.id,
    otherRegionId: other.id,
    hubId: hub.id,
    floorId: floor.id,
    otherFloorId: (floors[1] ?? floor).id,
    cameraId: camera.id,
    sorterId: sorter.id,
    leaderId: team.leaderId!,
    stationId: station.id,
    courierId: courier.id,
    courierLeaderId: stTeam.leaderId!,
    vehicleId: vehicle.id,
    coldVehicleId: cold.id,
    frozenVehicleId: frozen?.id ?? null,
    routeId: route.id,
    destSiteId: route.destSiteId,
  };
}

export interface RulesEnv {
  env: TestEnv;
  w: RulesWorld;
  hub: TestHub;
  url: string;
  feed: string;
  tokens: Record<'hq' | 'region' | 'regionB' | 'site' | 'floor' | 'sorter' | 'leader' | 'courier' | 'station', string>;
  restart(extra?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

/** A fresh database and Redis prefix, the demo-style logins the rules tests need, and a running hub. */
export async function startRulesEnv(extra: Record<string, string> = {}): Promise<RulesEnv> {
  const env = await createTestEnv();
  const w = pickWorld(env.net);
  const ds = createDataSource(env.dbUrl, 1);
  await ds.initialize();
  const auth = new AuthRepository(ds);
  const users: [string, 'hq' | 'region' | 'site' | 'floor', string | null, string | null][] = [
    ['site-a', 'site', w.hubId, null],
    ['floor-a', 'floor', w.floorId, null],
    ['sorter-a', 'floor', w.floorId, w.sorterId],
    ['leader-a', 'floor', w.floorId, w.leaderId],
    ['courier-a', 'site', w.stationId, w.courierId],
    ['station-a', 'site', w.stationId, null],
  ];
  for (const [username, role, scopeId, personId] of users) await auth.upsertUser({ username, password: 'pw', displayName: username, role, scopeId, personId });
  await ds.destroy();
  let hub = await startHub(env, extra);
  const names = { hq: 'hq', region: 'region-a', regionB: 'region-b', site: 'site-a', floor: 'floor-a', sorter: 'sorter-a', leader: 'leader-a', courier: 'courier-a', station: 'station-a' } as const;
  const tokens = {} as RulesEnv['tokens'];
  for (const [k, u] of Object.entries(names)) tokens[k as keyof typeof names] = await login(hub.url, u);
  const r: RulesEnv = {
    env,
    w,
    hub,
    url: hub.url,
    feed: env.token,
    tokens,
    async restart(more: Record<string, string> = {}) {
      await hub.close();
      hub = await startHub(env, { ...extra, ...more });
      r.hub = hub;
      r.url = hub.url;
    },
    async close() {
      await hub.close().catch(() => undefined);
      await env.drop();
    },
  };
  return r;
}

export async function api<T = unknown>(url: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export async function ingest(r: RulesEnv, events: Record<string, unknown>[]) {
  const res = await postEvents(r.url, r.feed, events);
  const body = (await res.json()) as { accepted: number; rejected: unknown[] };
  if (res.status !== 200 || body.rejected.length) throw new Error(`ingest: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Sets thresholds of a site (or a floor) through the API, as HQ. */
export async function setThresholds(r: RulesEnv, scope: { site?: string; floor?: string }, changes: [string, string, number | null][]) {
  const res = await api(r.url, r.tokens.hq, 'PUT', '/api/v1/rules/thresholds', { ...scope, changes: changes.map(([ruleId, key, value]) => ({ ruleId, key, value })), note: 'test' });
  if (res.status !== 200) throw new Error(`thresholds: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function until<T>(f: () => Promise<T | undefined | null | false>, ms = 10_000, step = 100): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((res) => setTimeout(res, step));
  }
}

export const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

export interface V {
  id: string;
  ruleId: string;
  severity: string;
  subjectKind: string;
  subjectId: string;
  floorId: string | null;
  siteId: string | null;
  waybillNo: string | null;
  responsible: string | null;
  evidence: { kind: string; uri: string }[];
  status: string;
  detail: string;
  at: string;
}

export async function violations(r: RulesEnv, q: Record<string, string>): Promise<V[]> {
  const res = await api<V[]>(r.url, r.tokens.hq, 'GET', `/api/v1/violations?${new URLSearchParams(q)}`);
  if (res.status !== 200) throw new Error(`violations: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Rows straight from the database, for what the API does not expose (e.g. withdrawn violations). */
export function db<T = Record<string, unknown>>(r: RulesEnv, sql: string, params: unknown[] = []) {
  return query<T>(r.env.dbUrl, sql, params);
}

let wb = 0;
/** A waybill number unique within the run. */
export function waybill(prefix = 'KJ'): string {
  wb++;
  return `${prefix}${Date.now().toString(36).toUpperCase()}${String(wb).padStart(4, '0')}`.slice(0, 24);
}

export const uuid = () => randomUUID();
export const iso = (ms: number) => new Date(ms).toISOString();
