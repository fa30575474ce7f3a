import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { api, db, ingest, iso, setThresholds, startRulesEnv, until, uuid, violations, waybill, type RulesEnv, type V } from './support/rules-fixtures';
import { ev, FULL_WAYBILL } from './support/rules-events';

jest.setTimeout(60_000);

/** Single-event rules, thresholds, alerts, trace and notifications, through the public API on a real database. */
describe('rules on single events', () => {
  let r: RulesEnv;
  let e: ReturnType<typeof ev>;

  beforeAll(async () => {
    r = await startRulesEnv();
    e = ev(r.w);
  }, 60_000);
  afterAll(async () => r?.close(), 30_000);

  /** Ingests, then waits until the rule stage has stored what the last event of the batch produced. */
  async function byWaybill(no: string, n: number): Promise<V[]> {
    return until(async () => {
      const l = await violations(r, { waybillNo: no, scope: 'hq' });
      return l.length >= n ? l : undefined;
    });
  }
  /** The rule stage runs in order: a sentinel P1 after a batch proves the batch was evaluated. */
  async function evaluated(): Promise<void> {
    const no = waybill('SN');
    await ingest(r, [e.pickup(no, { inspectionPhoto: undefined })]);
    await byWaybill(no, 1);
  }
  const rules = (l: V[]) => l.map((v) => `${v.ruleId}:${v.severity}`).sort();

  describe('pickup P1–P5', () => {
    it('P1 fires without an inspection photo, not with one', async () => {
      const a = waybill();
      const b = waybill();
      await ingest(r, [e.pickup(a, { inspectionPhoto: undefined }), e.pickup(b)]);
      const l = await byWaybill(a, 1);
      expect(rules(l)).toEqual(['P1:violation']);
      expect(l[0]).toMatchObject({ stage: 'pickup', subjectKind: 'courier', subjectId: r.w.courierId, responsible: r.w.courierId, siteId: r.w.stationId });
      await evaluated();
      expect(await violations(r, { waybillNo: b, scope: 'hq' })).toEqual([]);
    });

    it('P2 blocks a prohibited item with a critical violation and an alert on the waybill; whole words only', async () => {
      const bad = waybill();
      const ok = waybill();
      await ingest(r, [e.pickup(bad, { declaredContents: '春节烟花爆竹一箱' }), e.pickup(ok, { declaredContents: 'a novel: the war had begun' })]);
      const l = await byWaybill(bad, 1);
      expect(rules(l)).toEqual(['P2:critical']);
      // The alert follows its violation by a moment.
      const alert = await until(async () => {
        const l2 = await api<{ ruleId: string; subjectKind: string; subjectId: string; severity: string }[]>(r.url, r.tokens.hq, 'GET', `/api/v1/alerts?scope=site:${r.w.stationId}&ruleId=P2`);
        return l2.body.find((a) => a.subjectId === bad);
      });
      expect(alert).toMatchObject({ subjectKind: 'waybill', severity: 'critical' });
      await evaluated();
      expect(await violations(r, { waybillNo: ok, scope: 'hq' })).toEqual([]);
    });

    it('P3: 2 missing fields is a warning, 3 a violation, none nothing', async () => {
      const [two, three, none] = [waybill(), waybill(), waybill()];
      const drop = (n: number) => Object.fromEntries(Object.entries(FULL_WAYBILL).slice(n));
      await ingest(r, [e.pickup(two, { waybill: drop(2) }), e.pickup(three, { waybill: drop(3) }), e.pickup(none)]);
      expect(rules(await byWaybill(two, 1))).toEqual(['P3:warning']);
      const v3 = await byWaybill(three, 1);
      expect(rules(v3)).toEqual(['P3:violation']);
      expect(v3[0]!.detail).toContain('senderName, senderAddress, senderPhone');
      await evaluated();
      expect(await violations(r, { waybillNo: none, scope: 'hq' })).toEqual([]);
    });

    it('P3 threshold is per site: with 2 as the limit, 2 missing is a violation', async () => {
      await setThresholds(r, { site: r.w.stationId }, [['P3', 'missingForViolation', 2]]);
      const no = waybill();
      await ingest(r, [e.pickup(no, { waybill: Object.fromEntries(Object.entries(FULL_WAYBILL).slice(2)) })]);
      expect(rules(await byWaybill(no, 1))).toEqual(['P3:violation']);
      await setThresholds(r, { site: r.w.stationId }, [['P3', 'missingForViolation', null]]);
    });

    it('P4 warns when insured value was not offered; P5 when the sender was not verified', async () => {
      const [p4, p5] = [waybill(), waybill()];
      await ingest(r, [e.pickup(p4, { insuranceOffered: false }), e.pickup(p5, { realNameVerified: false })]);
      expect(rules(await byWaybill(p4, 1))).toEqual(['P4:warning']);
      expect(rules(await byWaybill(p5, 1))).toEqual(['P5:violation']);
    });
  });

  describe('sorting S1, S2', () => {
    async function floorViolations(detailHas: string) {
      return (await violations(r, { scope: `floor:${r.w.floorId}`, ruleId: 'S1' })).filter((v) => v.detail.includes(detailHas));
    }

    it('S1: 49 cm and exactly 50 cm pass, 51 cm fires with its snapshot, attributed to the sorter', async () => {
      await ingest(r, [e.sortingViolation({ dropHeightCm: 49 }), e.sortingViolation({ dropHeightCm: 50 }), e.sortingViolation({ dropHeightCm: 51 })]);
      const l = await until(async () => {
        const x = await floorViolations(' cm > 50 cm');
        return x.length ? x : undefined;
      });
      await evaluated();
      const all = await floorViolations(' cm > 50 cm');
      expect(all.map((v) => v.detail.match(/(\d+) cm >/)![1])).toEqual(['51']);
      expect(l[0]).toMatchObject({ subjectKind: 'camera', subjectId: r.w.cameraId, floorId: r.w.floorId, responsible: r.w.sorterId, evidence: [{ kind: 'snapshot' }] });
    });

    it('S1 height is per floor: 40 cm fires on a floor set to 30 cm, not on its neighbour', async () => {
      await setThresholds(r, { floor: r.w.floorId }, [['S1', 'dropHeightCm', 30]]);
      const otherCam = r.env.net.cameras.find((c) => c.floorId === r.w.otherFloorId)!;
      await ingest(r, [e.sortingViolation({ dropHeightCm: 40 }), e.sortingViolation({ dropHeightCm: 40, floorId: r.w.otherFloorId, cameraId: otherCam.id, sorterId: undefined })]);
      await until(async () => (await floorViolations('40 cm > 30 cm')).length === 1);
      await evaluated();
      const other = await violations(r, { scope: `floor:${r.w.otherFloorId}`, ruleId: 'S1' });
      expect(other.filter((v) => v.detail.includes('40 cm'))).toEqual([]);
      await setThresholds(r, { floor: r.w.floorId }, [['S1', 'dropHeightCm', null]]);
    });

    it('S1 without a named sorter is attributed to the floor team leader', async () => {
      await ingest(r, [e.sortingViolation({ dropHeightCm: 77, sorterId: undefined })]);
      const l = await until(async () => {
        const x = await floorViolations('77 cm');
        return x.length ? x : undefined;
      });
      expect(l[0]!.responsible).toBe(r.w.leaderId);
    });

    it('S2 fires on a confident kick, not on a doubtful one (below 0.5)', async () => {
      await ingest(r, [e.sortingViolation({ kind: 'kick', dropHeightCm: undefined, confidence: 0.49 }), e.sortingViolation({ kind: 'kick', dropHeightCm: undefined, confidence: 0.5 })]);
      await until(async () => (await violations(r, { scope: `floor:${r.w.floorId}`, ruleId: 'S2' })).length > 0);
      await evaluated();
      const l = await violations(r, { scope: `floor:${r.w.floorId}`, ruleId: 'S2' });
      expect(l.map((v) => v.detail.match(/\((\d+) %\)/)![1])).toEqual(['50']);
    });
  });

  describe('delivery D3, D4', () => {
    it('D3 fires without a sign-off photo', async () => {
      const [a, b] = [waybill(), waybill()];
      await ingest(r, [e.signed(a, { photo: undefined }), e.signed(b)]);
      expect(rules(await byWaybill(a, 1))).toEqual(['D3:violation']);
      await evaluated();
      expect((await violations(r, { waybillNo: b, scope: 'hq' })).filter((v) => v.ruleId === 'D3')).toEqual([]);
    });

    it('D4 fires on an unauthorised proxy, not an authorised one; and at 510 m from the address, not 490 m', async () => {
      const [proxy, authorised, far, near] = [waybill(), waybill(), waybill(), waybill()];
      // 0.0045° of latitude ≈ 500.4 m.
      const at = (m: number) => ({ lat: 31 + m / 111_195, lon: 121, addressLat: 31, addressLon: 121 });
      await ingest(r, [
        e.signed(proxy, { signer: 'unauthorised_proxy', signerName: '邻居' }),
        e.signed(authorised, { signer: 'authorised_proxy' }),
        e.signed(far, at(510)),
        e.signed(near, at(490)),
      ]);
      expect(rules((await byWaybill(proxy, 1)).filter((v) => v.ruleId === 'D4'))).toEqual(['D4:violation']);
      const f = (await byWaybill(far, 1)).filter((v) => v.ruleId === 'D4');
      expect(f[0]!.detail).toMatch(/51\d m > 500 m/);
      await evaluated();
      expect((await violations(r, { waybillNo: authorised, scope: 'hq' })).filter((v) => v.ruleId === 'D4')).toEqual([]);
      expect((await violations(r, { waybillNo: near, scope: 'hq' })).filter((v) => v.ruleId === 'D4')).toEqual([]);
    });
  });

  describe('transport T1 (late departure), T4 (incident)', () => {
    it('T1: 16 minutes late fires, 14 does not', async () => {
      const sched = Date.now() - 60 * 60_000;
      const trips = [`TRIP-T1-${uuid().slice(0, 8)}`, `TRIP-T1-${uuid().slice(0, 8)}`];
      for (const id of trips) {
        await db(r, `INSERT INTO trips (id, route_id, vehicle_id, scheduled_departure, scheduled_arrival) VALUES ($1,$2,$3,$4,$5)`, [id, r.w.routeId, r.w.vehicleId, iso(sched), iso(sched + 3 * 3600_000)]);
      }
      await ingest(r, [e.departed(r.w.vehicleId, trips[0]!, r.w.hubId, { at: iso(sched + 14 * 60_000) }), e.departed(r.w.vehicleId, trips[1]!, r.w.hubId, { at: iso(sched + 16 * 60_000) })]);
      const l = await until(async () => {
        const x = (await violations(r, { scope: 'hq', ruleId: 'T1' })).filter((v) => trips.includes(v.subjectId));
        return x.length ? x : undefined;
      });
      await evaluated();
      const all = (await violations(r, { scope: 'hq', ruleId: 'T1' })).filter((v) => trips.includes(v.subjectId));
      expect(all.map((v) => v.subjectId)).toEqual([trips[1]]);
      expect(l[0]!.detail).toContain('16.0 min > 15 min');
    });

    it('T4: an incident reaches HQ and the next site on the route at once, and the latency is stored', async () => {
      const tripId = `TRIP-T4-${uuid().slice(0, 8)}`;
      const sched = Date.now() - 10 * 60_000;
      await db(r, `INSERT INTO trips (id, route_id, vehicle_id, scheduled_departure, scheduled_arrival) VALUES ($1,$2,$3,$4,$5)`, [tripId, r.w.routeId, r.w.vehicleId, iso(sched), iso(sched + 3 * 3600_000)]);
      const inc = e.incident(r.w.vehicleId, { tripId, kind: 'breakdown', note: '发动机故障' });
      await ingest(r, [inc]);
      const hq = await until(async () => {
        const l = await api<{ id: string; ruleId: string; subjectId: string; level: string; severity: string }[]>(r.url, r.tokens.hq, 'GET', '/api/v1/alerts?scope=hq&ruleId=T4');
        return l.body.find((a) => a.subjectId === r.w.vehicleId);
      });
      expect(hq).toMatchObject({ level: 'hq', severity: 'critical' });
      const next = await api<{ id: string }[]>(r.url, r.tokens.hq, 'GET', `/api/v1/alerts?scope=site:${r.w.destSiteId}&ruleId=T4`);
      expect(next.body.map((a) => a.id)).toContain(hq.id);
      const [row] = await db<{ latency: number }>(r, `SELECT extract(epoch FROM notified_at - event_at)::float8 AS latency FROM alerts WHERE id = $1`, [hq.id]);
      expect(row!.latency).toBeGreaterThanOrEqual(0);
      expect(row!.latency).toBeLessThan(300);
      const home = r.env.net.vehicles.find((v) => v.id === r.w.vehicleId)!.homeSiteId;
      const kpi = await until(async () => {
        const k = await api<{ key: string; value: number | null }[]>(r.url, r.tokens.hq, 'GET', `/api/v1/kpis?unit=site:${home}&window=today`);
        return k.body.find((x) => x.key === 'incident_notify_latency_s' && x.value !== null);
      });
      expect(kpi.value!).toBeLessThan(300);
    });
  });

  describe('after-sales A3, A4, X3 and the waybill trace', () => {
    it('A3 links a complaint to the trace and blames the stage of the violation on the parcel', async () => {
      const no = waybill();
      const t0 = Date.now() - 5 * 3600_000;
      await ingest(r, [
        e.pickup(no, { at: iso(t0), inspectionPhoto: undefined }),
        e.tracking(no, 0, r.w.hubId, { at: iso(t0 + 3600_000) }),
        e.tracking(no, 1002, r.w.destSiteId, { at: iso(t0 + 2 * 3600_000) }),
        e.signed(no, { at: iso(t0 + 4 * 3600_000) }),
      ]);
      await byWaybill(no, 1);
      const cid = `C-${uuid().slice(0, 8)}`;
      await ingest(r, [e.complaint(cid, { waybillNo: no, category: 'damaged' })]);
      const trace = await until(async () => {
        const t = await api<{ records: { stage: string; type: string; at: string; evidence: unknown[] }[]; complaints: { id: string; attributedStage: string }[]; attributions: { complaintId: string; stage: string; reason: string }[]; violations: V[] }>(
          r.url, r.tokens.hq, 'GET', `/api/v1/waybills/${no}/trace`);
        return t.body.attributions.length ? t.body : undefined;
      });
      expect(trace.records.map((x) => x.stage)).toEqual(['pickup', 'sorting', 'transport', 'delivery', 'aftersales']);
      expect(trace.records.map((x) => x.at)).toEqual([...trace.records.map((x) => x.at)].sort());
      expect(trace.records[3]!.evidence).toEqual([{ kind: 'photo', uri: expect.any(String) }]);
      expect(trace.violations.map((v) => v.ruleId)).toContain('P1');
      expect(trace.attributions[0]).toMatchObject({ complaintId: cid, stage: 'pickup' });
      expect(trace.attributions[0]!.reason).toContain('P1');
      expect(trace.complaints[0]).toMatchObject({ id: cid, attributedStage: 'pickup' });
    });

    it('A3 without a violation: a lost parcel is blamed on where it was last seen', async () => {
      const no = waybill();
      const t0 = Date.now() - 5 * 3600_000;
      await ingest(r, [e.pickup(no, { at: iso(t0) }), e.tracking(no, 0, r.w.hubId, { at: iso(t0 + 3600_000) })]);
      const cid = `C-${uuid().slice(0, 8)}`;
      await ingest(r, [e.complaint(cid, { waybillNo: no, category: 'lost' })]);
      const t = await until(async () => {
        const x = await api<{ attributions: { stage: string; reason: string }[] }>(r.url, r.tokens.hq, 'GET', `/api/v1/waybills/${no}/trace`);
        return x.body.attributions[0];
      });
      expect(t.stage).toBe('sorting');
    });

    it('the trace is scoped: another region gets 403, an unknown waybill 404', async () => {
      const no = waybill();
      await ingest(r, [e.pickup(no)]);
      await until(async () => (await api(r.url, r.tokens.hq, 'GET', `/api/v1/waybills/${no}/trace`)).status === 200);
      expect((await api(r.url, r.tokens.regionB, 'GET', `/api/v1/waybills/${no}/trace`)).status).toBe(403);
      expect((await api(r.url, r.tokens.region, 'GET', `/api/v1/waybills/${no}/trace`)).status).toBe(200);
      expect((await api(r.url, r.tokens.hq, 'GET', `/api/v1/waybills/NOSUCHWAYBILL1/trace`)).status).toBe(404);
    });

    it('A4: CSAT counts 4 and 5 stars as satisfied, 3 not', async () => {
      const site = r.env.net.sites.find((s) => s.kind === 'station' && s.regionId === r.w.regionId && s.id !== r.w.stationId)!;
      await ingest(r, [e.rating(4, { siteId: site.id, courierId: undefined }), e.rating(3, { siteId: site.id, courierId: undefined })]);
      const k = await until(async () => {
        const x = await api<{ key: string; value: number | null }[]>(r.url, r.tokens.hq, 'GET', `/api/v1/kpis?unit=site:${site.id}&window=today`);
        return x.body.find((v) => v.key === 'csat' && v.value !== null);
      });
      expect(k.value).toBeCloseTo(50, 6);
    });

    it('X3: 4 complaints today against no history is not a spike, the 5th is', async () => {
      const site = r.env.net.sites.filter((s) => s.kind === 'station' && s.regionId === r.w.regionId)[3]!;
      const ids = Array.from({ length: 5 }, () => `C-X3-${uuid().slice(0, 8)}`);
      await ingest(r, ids.slice(0, 4).map((id) => e.complaint(id, { siteId: site.id })));
      await evaluated();
      const open = () => api<{ subjectId: string }[]>(r.url, r.tokens.hq, 'GET', `/api/v1/alerts?scope=site:${site.id}&ruleId=X3`);
      expect((await open()).body).toEqual([]);
      await ingest(r, [e.complaint(ids[4]!, { siteId: site.id })]);
      const a = await until(async () => (await open()).body[0]);
      expect(a.subjectId).toBe(site.id);
    });
  });

  describe('thresholds API', () => {
    it('answers defaults and overrides, audits changes, and refuses what a role may not do', async () => {
      const v = await api<{ entries: { ruleId: string; key: string; default: number; site: number | null; floor: number | null; effective: number }[]; audit: { ruleId: string; key: string; oldValue: number | null; newValue: number | null; by: string }[] }>(
        r.url, r.tokens.site, 'GET', `/api/v1/rules/thresholds?site=${r.w.hubId}&floor=${r.w.floorId}`);
      expect(v.status).toBe(200);
      expect(v.body.entries.find((x) => x.ruleId === 'S1' && x.key === 'dropHeightCm')).toMatchObject({ default: 50, effective: 50 });
      expect(v.body.audit.some((a) => a.ruleId === 'S1' && a.key === 'dropHeightCm' && a.newValue === 30 && a.by === 'hq')).toBe(true);
      const put = await api<{ entries: { ruleId: string; key: string; site: number | null; effective: number }[] }>(r.url, r.tokens.site, 'PUT', '/api/v1/rules/thresholds', {
        site: r.w.hubId, changes: [{ ruleId: 'T1', key: 'lateMinutes', value: 20 }], note: 'winter roads',
      });
      expect(put.status).toBe(200);
      expect(put.body.entries.find((x) => x.ruleId === 'T1' && x.key === 'lateMinutes')).toMatchObject({ site: 20, effective: 20 });
      const [audit] = await db<{ old_value: number | null; new_value: number; changed_by: string; note: string }>(r, `SELECT * FROM rule_threshold_audit WHERE rule_id = 'T1' AND scope_id = $1`, [r.w.hubId]);
      expect(audit).toMatchObject({ old_value: null, new_value: 20, changed_by: 'site-a', note: 'winter roads' });
      const other = await api<{ code: string }>(r.url, r.tokens.regionB, 'PUT', '/api/v1/rules/thresholds', { site: r.w.hubId, changes: [{ ruleId: 'T1', key: 'lateMinutes', value: 5 }] });
      expect(other.status).toBe(403);
      expect((await api(r.url, r.tokens.floor, 'PUT', '/api/v1/rules/thresholds', { floor: r.w.floorId, changes: [{ ruleId: 'S1', key: 'dropHeightCm', value: 5 }] })).status).toBe(403);
      const bad = await api<{ code: string; message: string }>(r.url, r.tokens.hq, 'PUT', '/api/v1/rules/thresholds', { floor: r.w.floorId, changes: [{ ruleId: 'S1', key: 'heightCm', value: 5 }, { ruleId: 'T1', key: 'lateMinutes', value: 5 }] });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('S1.heightCm: unknown threshold');
      expect(bad.body.message).toContain('T1: not set per floor');
      await setThresholds(r, { site: r.w.hubId }, [['T1', 'lateMinutes', null]]);
    });
  });

  describe('alerts lifecycle and notifications', () => {
    let server: Server;
    const received: { body: Record<string, unknown>; signature: string | undefined }[] = [];
    let failing = 0;
    let hookUrl: string;

    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res) => {
        let b = '';
        req.on('data', (c) => (b += c));
        req.on('end', () => {
          if (req.url === '/fail') {
            failing++;
            res.statusCode = 500;
            return res.end('down');
          }
          received.push({ body: JSON.parse(b), signature: req.headers['x-kanjian-signature'] as string | undefined });
          res.end('ok');
        });
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => new Promise<void>((ok) => server.close(() => ok())));

    it('pushes an alert to a webhook (signed) and dead-letters a failing channel after its attempts', async () => {
      const ok = await api<{ id: string }>(r.url, r.tokens.hq, 'POST', '/api/v1/notifications/channels', { kind: 'webhook', target: `${hookUrl}/ok`, scope: 'hq', minSeverity: 'critical', secret: 'test-secret-1', ruleIds: ['T4'] });
      expect(ok.status).toBe(201);
      const bad = await api<{ id: string }>(r.url, r.tokens.hq, 'POST', '/api/v1/notifications/channels', { kind: 'webhook', target: `${hookUrl}/fail`, scope: 'hq', ruleIds: ['T4'], maxAttempts: 2 });
      expect(bad.status).toBe(201);
      const sms = await api<{ id: string }>(r.url, r.tokens.hq, 'POST', '/api/v1/notifications/channels', { kind: 'sms', target: '+8613800000000', scope: 'hq', ruleIds: ['T4'] });
      expect(sms.status).toBe(201);
      expect((await api(r.url, r.tokens.regionB, 'POST', '/api/v1/notifications/channels', { kind: 'sms', target: '13800000000', scope: `site:${r.w.hubId}` })).status).toBe(403);
      const vehicle = r.env.net.vehicles.find((v) => v.id !== r.w.vehicleId)!.id;
      await ingest(r, [e.incident(vehicle, { kind: 'accident' })]);
      const hit = await until(async () => received.find((x) => (x.body.alert as { subjectId: string }).subjectId === vehicle));
      expect(hit.body).toMatchObject({ kind: 'alert', reason: 'opened', alert: { ruleId: 'T4', level: 'hq', severity: 'critical' } });
      expect(hit.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      const dead = await until(async () => {
        const d = await api<{ channelId: string; status: string; attempts: number; lastError: string }[]>(r.url, r.tokens.hq, 'GET', '/api/v1/notifications/deliveries?status=dead');
        return d.body.find((x) => x.channelId === bad.body.id);
      }, 15_000);
      expect(dead).toMatchObject({ status: 'dead', attempts: 2, lastError: 'webhook answered 500' });
      expect(failing).toBe(2);
      const delivered = await until(async () => {
        const d = await api<{ channelId: string; status: string }[]>(r.url, r.tokens.hq, 'GET', '/api/v1/notifications/deliveries?status=delivered');
        return d.body.find((x) => x.channelId === sms.body.id);
      });
      expect(delivered.status).toBe('delivered');
    });

    it('acknowledge, escalate and resolve record who and when; other regions may not act', async () => {
      const no = waybill();
      await ingest(r, [e.pickup(no, { declaredContents: '汽油 20L' })]);
      const alert = await until(async () => {
        const l = await api<{ id: string; subjectId: string; level: string; status: string }[]>(r.url, r.tokens.station, 'GET', `/api/v1/alerts?scope=site:${r.w.stationId}`);
        return l.body.find((a) => a.subjectId === no);
      });
      expect((await api(r.url, r.tokens.site, 'GET', `/api/v1/alerts?scope=site:${r.w.stationId}`)).status).toBe(403);
      expect(alert).toMatchObject({ level: 'site', status: 'open' });
      expect((await api(r.url, r.tokens.regionB, 'POST', `/api/v1/alerts/${alert.id}/ack`, {})).status).toBe(403);
      const ack = await api<{ status: string; acknowledgedBy: string; acknowledgedAt: string }>(r.url, r.tokens.station, 'POST', `/api/v1/alerts/${alert.id}/ack`, { note: 'parcel held' });
      expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'station-a' });
      expect(Date.parse(ack.body.acknowledgedAt)).toBeGreaterThan(Date.now() - 60_000);
      expect((await api(r.url, r.tokens.station, 'POST', `/api/v1/alerts/${alert.id}/ack`, {})).status).toBe(409);
      const before = await api<{ id: string }[]>(r.url, r.tokens.region, 'GET', `/api/v1/alerts?scope=region:${r.w.regionId}`);
      expect(before.body.map((a) => a.id)).not.toContain(alert.id);
      const within = await api<{ id: string }[]>(r.url, r.tokens.region, 'GET', `/api/v1/alerts?scope=region:${r.w.regionId}&within=true`);
      expect(within.body.map((a) => a.id)).toContain(alert.id);
      const esc = await api<{ level: string }>(r.url, r.tokens.station, 'POST', `/api/v1/alerts/${alert.id}/escalate`, {});
      expect(esc.body.level).toBe('region');
      const inRegion = await api<{ id: string }[]>(r.url, r.tokens.region, 'GET', `/api/v1/alerts?scope=region:${r.w.regionId}`);
      expect(inRegion.body.map((a) => a.id)).toContain(alert.id);
      const res = await api<{ status: string; resolvedBy: string }>(r.url, r.tokens.region, 'POST', `/api/v1/alerts/${alert.id}/resolve`, { note: 'returned to sender' });
      expect(res.body).toMatchObject({ status: 'resolved', resolvedBy: 'region-a' });
      const log = await db<{ action: string; by: string }>(r, `SELECT action, by FROM alert_log WHERE alert_id = $1 ORDER BY id`, [alert.id]);
      expect(log.map((l) => `${l.action}:${l.by}`)).toEqual(['opened:system', 'acknowledged:station-a', 'escalated:station-a', 'resolved:region-a']);
    });
  });
});
