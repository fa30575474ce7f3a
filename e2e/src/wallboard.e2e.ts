/**
 * The wallboard against the real hub: the built hub runs as a process with its own database and Redis
 * prefix (prepared through its CLI), serves the built wallboard, and is fed live through its public ingest
 * API; Debian's Chromium drives the screens through playwright-core. Every screen is saved as a screenshot
 * under e2e/artifacts/ at 1920×1080 and 3840×2160.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import {
  AlertListSchema,
  KpiListSchema,
  LIVE_NAMESPACE,
  type ClientToServerEvents,
  type Network,
  type ServerToClientEvents,
  type SubscribeAck,
} from '@kanjian/shared';
import { demoScopes, getJson, login, network } from './support/api';
import { FULL_HD, launchBrowser, loginUi, screenshot, UHD_4K } from './support/browser';
import { Feeder } from './support/feeder';
import { HubProcess } from './support/hub-process';

jest.setTimeout(180_000);

const hub = new HubProcess({ scale: 0.25 });
let net: Network;
let scopes: Awaited<ReturnType<typeof demoScopes>>;
let feeder: Feeder;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

/** The value of an attribute once `pred` holds for it (polling the page). */
async function attrWhen(page: Page, selector: string, attr: string, pred: (v: string | null) => boolean, timeout = 20_000): Promise<string | null> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await page.locator(selector).first().getAttribute(attr).catch(() => null);
    if (pred(v)) return v;
    if (Date.now() > deadline) throw new Error(`${selector}[${attr}] = ${JSON.stringify(v)}: condition not met within ${timeout} ms`);
    await page.waitForTimeout(250);
  }
}

async function eventually<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeout = 20_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The non-transparent pixels of the canvases under `selector`: what a chart layer actually drew. */
function inkOf(page: Page, selector: string): Promise<{ pixels: number; sample: number[] }> {
  return page.evaluate((sel) => {
    let pixels = 0;
    const sample: number[] = [];
    for (const c of document.querySelectorAll<HTMLCanvasElement>(`${sel} canvas`)) {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < d.length; i += 4) {
        if (d[i] === 0) continue;
        pixels++;
        if (sample.length < 4000) sample.push(i);
      }
    }
    return { pixels, sample };
  }, selector);
}

async function newPage(user: string, path: string): Promise<Page> {
  const page = await browser.context.newPage();
  await loginUi(page, hub.url, user, 'kanjian', path);
  return page;
}

beforeAll(async () => {
  await hub.prepare();
  await hub.start();
  net = await network(hub.url, hub.feedToken);
  scopes = await demoScopes(hub.url, net);
  feeder = new Feeder(() => hub.url, hub.feedToken, net, { vehicles: 300, floorId: scopes.floor.id, parcelsPerTick: 40 });
  feeder.start();
  browser = await launchBrowser(FULL_HD);
});

afterAll(async () => {
  feeder?.stop();
  await browser?.close();
  await hub.destroy();
});

describe('the wallboard against the real hub, with moving data', () => {
  it('signs in and sends each role to its screen', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${hub.url}/hq`);
    await page.waitForURL(/\/login/);
    await screenshot(page, 'login-1920x1080');
    await page.fill('input[name=username]', 'hq');
    await page.fill('input[name=password]', 'wrong');
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=login-error]').waitFor();
    expect(await page.locator('[data-testid=login-error]').textContent()).toContain('登录失败');
    await page.fill('input[name=password]', 'kanjian');
    await page.click('[data-testid=login-submit]');
    await page.waitForURL(`${hub.url}/hq`);
    await page.close();
    const floorUser = await newPage('floor', '/');
    expect(new URL(floorUser.url()).pathname).toBe(`/floor/${scopes.floor.id}`);
    await floorUser.close();
  });

  it('HQ map: loads, shows the moving vehicles, and its live values change', async () => {
    const page = await newPage('hq', '/hq');
    await attrWhen(page, '[data-testid=stat-vehicles]', 'data-value', (v) => Number(v) >= feeder.movingVehicleIds.length * 0.9);
    const seq0 = Number(await page.getAttribute('[data-testid=screen-hq]', 'data-seq'));
    // The vehicles layer draws every moving vehicle (a 5 px dot each, some overlap)…
    const ink0 = await eventually(async () => {
      const ink = await inkOf(page, '[data-testid=hq-vehicles]');
      return ink.pixels > feeder.movingVehicleIds.length * 8 ? ink : null;
    }, 'vehicles drawn on the map');
    await attrWhen(page, '[data-testid=screen-hq]', 'data-seq', (v) => Number(v) > seq0 + 3);
    await page.waitForTimeout(1500);
    // …and redraws them where they have moved to.
    const ink1 = await inkOf(page, '[data-testid=hq-vehicles]');
    expect(ink1.pixels).toBeGreaterThan(feeder.movingVehicleIds.length * 8);
    expect(ink1.sample).not.toEqual(ink0.sample);
    // The 三全三降 tiles are filled from the hub's KPIs (the complaint rate has a value once parcels are scanned).
    await attrWhen(page, '[data-testid=kpi-complaint_rate_per_10k]', 'data-value', (v) => v !== null && v !== '' && Number.isFinite(Number(v)));
    expect(await page.locator('[data-testid=stale-banner]').count()).toBe(0);
    // A reefer whose cargo warms past its range pulses as a cold-chain excursion.
    const reefer = feeder.movingVehicleIds.find((id) => net.vehicles.find((v) => v.id === id)?.coldProfile === 'chilled');
    if (!reefer) throw new Error('no chilled vehicle among the moving ones');
    feeder.setTemperature(reefer, 12.5);
    await page.locator(`[data-hotspot="${reefer}"][data-kind=cold]`).waitFor({ state: 'attached', timeout: 15_000 });
    await attrWhen(page, '[data-testid=stat-cold]', 'data-value', (v) => Number(v) >= 1);
    feeder.setTemperature(reefer, 4);
    await screenshot(page, 'hq-map-1920x1080');
    await page.close();
  });

  it('sorting floor: the gauge equals the KPI the API reports, parcels rise, violations show with their evidence', async () => {
    const sorter = net.people.find((p) => p.role === 'sorter' && p.floorId === scopes.floor.id);
    await feeder.violation(scopes.cameras[0]!.id, 74, sorter?.id);
    const page = await newPage('floor', `/floor/${scopes.floor.id}`);
    const p0 = Number(await attrWhen(page, '[data-testid=parcels-handled]', 'data-value', (v) => Number(v) > 0));
    await attrWhen(page, '[data-testid=parcels-handled]', 'data-value', (v) => Number(v) > p0, 30_000);

    const feed = page.locator('[data-testid=violation-feed] [data-violation-id]').first();
    await feed.waitFor({ timeout: 20_000 });
    const thumb = feed.locator('[data-testid=evidence-thumb]');
    await thumb.waitFor({ timeout: 10_000 });
    // The snapshot really decoded in the browser (fetched with the bearer token, shown from a blob URL).
    await eventually(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth === 320), 'evidence image decoded', 10_000);

    // With the feed paused the values settle; the gauge then shows exactly what the API answers.
    feeder.stop();
    try {
      await page.waitForTimeout(3000);
      const token = await login(hub.url, 'floor');
      const api = await eventually(async () => {
        const r = await getJson(`${hub.url}/api/v1/kpis?unit=floor:${scopes.floor.id}&window=today`, token);
        const v = KpiListSchema.parse(r.body).find((k) => k.key === 'compliance_rate')?.value;
        const shown = await page.getAttribute('[data-testid=gauge-value]', 'data-value');
        return v !== null && v !== undefined && shown !== null && Number(shown) === v ? { v, shown } : null;
      }, 'gauge equal to the compliance_rate the API reports', 30_000);
      expect(Number(api.shown)).toBe(api.v);
      expect(api.v).toBeGreaterThan(0.9);
      expect(api.v).toBeLessThan(1);
      await screenshot(page, 'floor-display-1920x1080');
    } finally {
      feeder.start();
    }
    await page.close();
  });

  it('sorting floor without violations holds the red flag', async () => {
    const clean = net.floors.find((f) => f.siteId === scopes.hub.id && f.id !== scopes.floor.id);
    if (!clean) throw new Error('the seed has no second floor on the demo hub');
    await feeder.post([{ type: 'sorting.scan', floorId: clean.id, parcels: 500 }]);
    const page = await newPage('hq', `/floor/${clean.id}`);
    await page.locator('[data-testid=red-flag]').waitFor({ timeout: 20_000 });
    expect(await page.getAttribute('[data-testid=violations-today]', 'data-value')).toBe('0');
    await screenshot(page, 'floor-red-flag-1920x1080');
    await page.close();
  });

  it('red-flag leaderboard: ranks floors, shows holders and units needing attention', async () => {
    const page = await newPage('hq', '/leaderboard');
    await page.locator('[data-testid=board-floors] tbody tr').first().waitFor({ timeout: 20_000 });
    const names = await page.locator('[data-testid=board-floors] tbody tr').allTextContents();
    expect(names.join('\n')).toContain(scopes.floor.name);
    await page.click('[data-testid=board-week]');
    await page.locator('[data-testid=screen-leaderboard][data-window=week] [data-testid=board-floors] tbody tr').first().waitFor({ timeout: 20_000 });
    await screenshot(page, 'leaderboard-1920x1080');
    await page.close();
  });

  it('an alert acknowledged on the regional console disappears from the HQ ticker', async () => {
    const vehicle = feeder.movingVehicleIds[0]!;
    await feeder.incident(vehicle);
    const hqToken = await login(hub.url, 'hq');
    const alert = await eventually(async () => {
      const r = await getJson(`${hub.url}/api/v1/alerts?status=open&scope=hq`, hqToken);
      return AlertListSchema.parse(r.body).find((a) => a.ruleId === 'T4' && a.subjectId === vehicle);
    }, 'T4 alert open at HQ');
    const hq = await newPage('hq', '/hq');
    await hq.locator(`[data-testid=alert-ticker]`).waitFor();
    await eventually(async () => (await hq.locator(`[data-testid=alert-ticker] [data-alert-id="${alert.id}"]`).count()) === 1, 'alert on the HQ ticker');
    // The vehicle pulses on the map where it is (a zero-size anchor translated to the vehicle's pixel).
    const spot = hq.locator(`[data-hotspot="${vehicle}"][data-kind=incident]`);
    await spot.waitFor({ state: 'attached', timeout: 10_000 });
    const placed = await spot.evaluate((el) => {
      const m = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec((el as HTMLElement).style.transform);
      const box = el.parentElement!.getBoundingClientRect();
      return m ? { x: Number(m[1]), y: Number(m[2]), w: box.width, h: box.height } : null;
    });
    expect(placed).not.toBeNull();
    expect(placed!.x).toBeGreaterThan(0);
    expect(placed!.x).toBeLessThan(placed!.w);
    expect(placed!.y).toBeGreaterThan(0);
    expect(placed!.y).toBeLessThan(placed!.h);
    await screenshot(hq, 'hq-map-incident-1920x1080');

    const region = alert.regionId ?? net.sites.find((s) => s.id === alert.siteId)?.regionId;
    const consolePage = await newPage('hq', `/console/region/${region}`);
    const item = consolePage.locator(`[data-testid=console-alerts] [data-alert-id="${alert.id}"]`);
    await item.waitFor({ timeout: 20_000 });
    await screenshot(consolePage, 'console-1920x1080');
    await item.locator('[data-testid=alert-ack]').click();
    await eventually(async () => (await item.getAttribute('data-status')) === 'acknowledged', 'acknowledged on the console', 10_000);
    // The HQ wall got the alert's new state through its room and took it off the ticker.
    await eventually(async () => (await hq.locator(`[data-testid=alert-ticker] [data-alert-id="${alert.id}"]`).count()) === 0, 'alert gone from the ticker', 15_000);
    const after = AlertListSchema.parse((await getJson(`${hub.url}/api/v1/alerts?status=open&scope=hq`, hqToken)).body);
    expect(after.find((a) => a.id === alert.id)).toBeUndefined();
    await consolePage.close();
    await hq.close();
  });

  it('a region user is refused another region: in the screens, on the socket and on the API', async () => {
    const page = await newPage('region', `/console/region/${scopes.region.id}`);
    await page.locator('[data-testid=screen-console]').waitFor();
    await page.goto(`${hub.url}/console/region/${scopes.otherRegion.id}`);
    await page.locator('[data-testid=scope-refused]').waitFor();
    expect(await page.locator('[data-testid=scope-refused]').textContent()).toContain(`region:${scopes.otherRegion.id}`);
    await screenshot(page, 'refused-1920x1080');
    await page.close();

    const token = await login(hub.url, 'region');
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${hub.url}${LIVE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
    try {
      const ack = await new Promise<SubscribeAck>((resolve) => socket.emit('subscribe.v1', { room: `region:${scopes.otherRegion.id}` }, resolve));
      expect(ack).toMatchObject({ ok: false, code: 'auth/out_of_scope' });
      const own = await new Promise<SubscribeAck>((resolve) => socket.emit('subscribe.v1', { room: `region:${scopes.region.id}` }, resolve));
      expect(own.ok).toBe(true);
    } finally {
      socket.disconnect();
    }
    const rest = await getJson(`${hub.url}/api/v1/kpis?unit=region:${scopes.otherRegion.id}&window=today`, token);
    expect(rest.status).toBe(403);
  });

  it('shows “data stale since …” when the feed stops and clears it when the feed resumes', async () => {
    const page = await newPage('hq', '/hq');
    await attrWhen(page, '[data-testid=screen-hq]', 'data-status', (v) => v === 'live');
    feeder.stop();
    try {
      const banner = page.locator('[data-testid=stale-banner]');
      await banner.waitFor({ timeout: 30_000 });
      expect(await banner.textContent()).toMatch(/数据已停止更新 · 最后更新于 \d{2}:\d{2}:\d{2}/);
      await screenshot(page, 'hq-map-stale-1920x1080');
    } finally {
      feeder.start();
    }
    await page.locator('[data-testid=stale-banner]').waitFor({ state: 'detached', timeout: 20_000 });
    await page.close();
  });

  it('recovers by itself after the hub restarts, without a reload', async () => {
    const page = await newPage('hq', '/hq');
    await attrWhen(page, '[data-testid=screen-hq]', 'data-status', (v) => v === 'live');
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await hub.stop('SIGTERM');
    await attrWhen(page, '[data-testid=screen-hq]', 'data-status', (v) => v === 'offline' || v === 'connecting', 15_000);
    await page.locator('[data-testid=live-offline], [data-testid=stale-banner]').first().waitFor({ timeout: 20_000 });
    await screenshot(page, 'hq-map-hub-down-1920x1080');
    await hub.start();
    await attrWhen(page, '[data-testid=screen-hq]', 'data-status', (v) => v === 'live', 60_000);
    const seq = Number(await page.getAttribute('[data-testid=screen-hq]', 'data-seq'));
    await attrWhen(page, '[data-testid=screen-hq]', 'data-seq', (v) => Number(v) > seq, 20_000);
    await page.locator('[data-testid=stale-banner]').waitFor({ state: 'detached', timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await page.close();
  });

  it('kiosk mode: no chrome, no cursor, and the playlist rotates', async () => {
    const page = await newPage('hq', '/hq?kiosk=1&playlist=/hq,/leaderboard&dwell=5');
    await page.locator('[data-testid=screen-hq]').waitFor();
    expect(await page.locator('header.chrome').count()).toBe(0);
    expect(await page.evaluate(() => getComputedStyle(document.body).cursor)).toBe('none');
    await page.waitForURL(/\/leaderboard\?.*kiosk=1/, { timeout: 15_000 });
    await page.waitForURL(/\/hq\?.*kiosk=1/, { timeout: 15_000 });
    await screenshot(page, 'kiosk-hq-1920x1080');
    await page.close();
  });

  it('waybill trace: a parcel’s records over the five stages, with evidence', async () => {
    const waybillNo = `KJ${Date.now()}`.slice(0, 20);
    const photo = await feeder.uploadSnapshot(9001);
    const t0 = Date.now() - 3 * 3600_000;
    const at = (m: number) => new Date(t0 + m * 60_000);
    const station = net.sites.find((s) => s.kind === 'station' && s.parentId === scopes.hub.id) ?? scopes.hub;
    const courier = net.people.find((p) => p.role === 'courier' && p.siteId === station.id)?.id ?? 'C-E2E-1';
    await feeder.post(
      [
        {
          type: 'pickup.completed',
          waybillNo,
          courierId: courier,
          siteId: station.id,
          inspectionPhoto: { ...photo, kind: 'photo' },
          declaredContents: '书籍',
          waybill: { senderName: '张三', senderAddress: '郑州', senderPhone: '13800000000', recipientName: '李四', recipientAddress: '上海', recipientPhone: '13900000000', itemName: '书籍', itemNature: '文件', quantity: 1, weightKg: 1.2, feeYuan: 12 },
          insuranceOffered: true,
          realNameVerified: true,
        },
      ],
      at(0),
    );
    await feeder.post([{ type: 'waybill.tracking', waybillNo, status: 1002, siteId: scopes.hub.id, note: '干线运输' }], at(60));
    await feeder.post([{ type: 'sorting.exception', floorId: scopes.floor.id, waybillNo, kind: 'damaged', status: 'detected' }], at(90));
    await feeder.post([{ type: 'delivery.out', waybillNo, courierId: courier, siteId: station.id }], at(150));
    await feeder.post([{ type: 'complaint.opened', complaintId: `CP-${randomUUID().slice(0, 8)}`, waybillNo, siteId: station.id, category: 'damaged', channel: 'phone' }], at(170));

    const page = await newPage('hq', '/trace');
    await page.fill('[data-testid=trace-input]', waybillNo);
    await page.click('[data-testid=trace-submit]');
    await page.waitForURL(new RegExp(`/trace/${waybillNo}$`));
    await page.locator('[data-testid=trace-timeline]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid=trace-waybill]').textContent()).toBe(waybillNo);
    for (const stage of ['pickup', 'sorting', 'delivery', 'aftersales']) {
      await eventually(async () => (await page.locator(`[data-stage=${stage}] [data-record-id]`).count()) > 0, `a ${stage} record`, 5000);
    }
    await page.locator('[data-stage=pickup] [data-testid=evidence-thumb]').waitFor({ timeout: 10_000 });
    await screenshot(page, 'waybill-trace-1920x1080');
    await page.goto(`${hub.url}/trace/NOPE00000000`);
    await page.locator('[data-testid=trace-error]').waitFor();

    // The complaint waits in its region's backlog with its first-response timer running down (opened ten
    // minutes ago, A1 gives 30 minutes).
    await page.goto(`${hub.url}/console/region/${station.regionId}`);
    const row = page.locator(`[data-testid=complaints] tr`, { hasText: waybillNo });
    await row.waitFor({ timeout: 20_000 });
    const before = (await row.textContent()) ?? '';
    expect(before).toMatch(/首响剩余\s*0:(1\d|20):\d{2}/);
    await page.waitForTimeout(2100);
    expect(await row.textContent()).not.toBe(before);
    await screenshot(page, 'console-complaints-1920x1080');
    await page.close();
  });

  it('my record: a sorter sees what was flagged against them, with the evidence, and appeals it', async () => {
    if (!scopes.floorPersonId) throw new Error('the demo floor login has no person record');
    const meToken = await login(hub.url, 'floor');
    await feeder.violation(scopes.cameras[1]?.id ?? scopes.cameras[0]!.id, 81, scopes.floorPersonId);
    const open = await eventually(async () => {
      const list = (await getJson<Array<{ id: string; status: string }>>(`${hub.url}/api/v1/me/violations`, meToken)).body;
      return Array.isArray(list) ? list.find((v) => v.status === 'open') : undefined;
    }, 'an open violation attributed to the sorter', 30_000);
    const page = await newPage('floor', '/me');
    const item = page.locator(`[data-testid=my-violations] [data-violation-id="${open.id}"]`);
    await item.waitFor({ timeout: 20_000 });
    await item.locator('[data-testid=evidence-thumb]').first().waitFor({ timeout: 10_000 });
    await screenshot(page, 'my-record-1920x1080');
    await item.locator('[data-testid=appeal-open]').click();
    await item.locator('[data-testid=appeal-note]').fill('当时包裹从传送带滑落，并非抛扔');
    await item.locator('[data-testid=appeal-submit]').click();
    await item.locator('[data-testid=appeal-sent]').waitFor();
    expect(await item.getAttribute('data-status')).toBe('appealed');
    const mine = (await getJson<Array<{ id: string; status: string }>>(`${hub.url}/api/v1/me/violations`, meToken)).body;
    expect(mine.find((v) => v.id === open.id)?.status).toBe('appealed');
    await page.close();

    // The appeal waits on the site's console with its evidence; the reviewer dismisses it with a reason.
    const consolePage = await newPage('site', `/console/site/${scopes.hub.id}`);
    const appeal = consolePage.locator(`[data-testid=appeals] [data-appeal-id]`, { hasText: '当时包裹从传送带滑落' }).first();
    await appeal.waitFor({ timeout: 20_000 });
    await appeal.locator('[data-testid=evidence-thumb]').waitFor({ timeout: 10_000 });
    await screenshot(consolePage, 'console-appeals-1920x1080');
    await appeal.locator('[data-testid=appeal-dismiss]').click();
    await consolePage.locator('[role=alert]', { hasText: '请填写审核理由' }).waitFor();
    await appeal.locator('[data-testid=appeal-reason]').fill('视频复核：传送带故障导致掉落');
    await appeal.locator('[data-testid=appeal-dismiss]').click();
    await appeal.waitFor({ state: 'detached', timeout: 10_000 });
    await eventually(async () => {
      const list = (await getJson<Array<{ id: string; status: string }>>(`${hub.url}/api/v1/me/violations`, meToken)).body;
      return list.find((v) => v.id === open.id)?.status === 'dismissed';
    }, 'violation dismissed after the appeal', 10_000);
    await consolePage.close();
  });

  it('every screen renders at 3840×2160', async () => {
    const big = await launchBrowser(UHD_4K);
    try {
      const page = await big.context.newPage();
      await loginUi(page, hub.url, 'hq');
      const screens: Array<[string, string, string]> = [
        ['hq-map', '/hq', '[data-testid=screen-hq]'],
        ['floor-display', `/floor/${scopes.floor.id}`, '[data-testid=screen-floor]'],
        ['leaderboard', '/leaderboard', '[data-testid=screen-leaderboard]'],
        ['console', `/console/region/${scopes.region.id}`, '[data-testid=screen-console]'],
        ['waybill-trace', '/trace', '[data-testid=screen-trace]'],
        ['my-record', '/me', '[data-testid=screen-me]'],
      ];
      for (const [name, path, sel] of screens) {
        await page.goto(`${hub.url}${path}`);
        await page.locator(sel).waitFor();
        await page.waitForTimeout(2500);
        // Laid out for the 4K wall: the root font doubled, nothing scrolled sideways.
        expect(await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))).toBeCloseTo(32, 0);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await screenshot(page, `${name}-3840x2160`);
      }
      await page.close();
    } finally {
      await big.close();
    }
  });
});
