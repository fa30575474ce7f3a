import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import AlertTicker from './alert-ticker.vue';
import HotspotOverlay from './hotspot-overlay.vue';
import KpiTile from './kpi-tile.vue';
import ViolationFeed from './violation-feed.vue';
import { KPI_DEFS } from '../kpi/kpi-catalogue';
import { setLocale } from '../i18n/use-i18n';
import { alert, kpi, violation } from '../test/fixtures';

describe('kpi-tile', () => {
  it('shows the value, the target and whether it is met, and exposes the raw value', () => {
    const w = mount(KpiTile, {
      props: { def: KPI_DEFS.csat, kpi: kpi('hq', 'csat', 86.5, '2025-03-01T08:00:00Z', { target: 90 }), trend: [[0, 85], [1, 86.5]], scale: 1 },
      attachTo: document.body,
    });
    expect(w.get('.kpi-tile__value').text()).toBe('86.5 分');
    expect(w.get('.kpi-tile__target').text()).toContain('目标 90.0 分');
    expect(w.get('.kpi-tile__target').text()).toContain('未达标');
    expect(w.classes()).toContain('kpi-tile--bad');
    expect(w.attributes('data-value')).toBe('86.5');
    // The sparkline is a chart (SVG in tests).
    expect(w.find('.kpi-tile__spark svg').exists()).toBe(true);
    w.unmount();
  });

  it('falls back to the plan’s target and shows a dash without a value', () => {
    const w = mount(KpiTile, { props: { def: KPI_DEFS.csat, kpi: undefined, trend: [], scale: 1 }, attachTo: document.body });
    expect(w.get('.kpi-tile__value').text()).toBe('—');
    expect(w.get('.kpi-tile__target').text()).toContain('90.0');
    w.unmount();
  });
});

describe('alert-ticker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pages through the open alerts and keeps every one of them in the DOM', async () => {
    const alerts = Array.from({ length: 6 }, (_, i) => alert(`a${i}`, { title: `告警 ${i}` }));
    const w = mount(AlertTicker, { props: { alerts, perPage: 4, dwellMs: 5000 } });
    expect(w.findAll('[data-alert-id]').map((e) => e.attributes('data-alert-id'))).toEqual(['a0', 'a1', 'a2', 'a3']);
    expect(w.get('.ticker__pager').text()).toBe('1/2');
    await vi.advanceTimersByTimeAsync(5000);
    await flushPromises();
    await vi.advanceTimersByTimeAsync(1000);
    expect(w.get('.ticker__pager').text()).toBe('2/2');
    expect(w.attributes('data-count')).toBe('6');
  });

  it('says so when there is nothing open', () => {
    const w = mount(AlertTicker, { props: { alerts: [] } });
    expect(w.text()).toContain('当前无未处理告警');
  });

  it('drops an alert that leaves the open list (acknowledged elsewhere)', async () => {
    const w = mount(AlertTicker, { props: { alerts: [alert('a1'), alert('a2')] } });
    await w.setProps({ alerts: [alert('a2')] });
    await vi.advanceTimersByTimeAsync(1000);
    expect(w.findAll('[data-alert-id]').map((e) => e.attributes('data-alert-id'))).toEqual(['a2']);
  });
});

describe('violation-feed', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows each violation with its rule title, detail and an evidence thumbnail fetched with the token', async () => {
    setLocale('zh-CN');
    const fetchMock = vi.fn(async () => new Response(new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const w = mount(ViolationFeed, {
      props: {
        violations: [violation('v1', { detail: '高处跌落 72 cm', evidence: [{ kind: 'snapshot', uri: '/api/v1/evidence/abc.png' }] })],
        emptyText: 'none',
      },
    });
    await flushPromises();
    expect(w.text()).toContain('S1 抛扔快件');
    expect(w.text()).toContain('高处跌落 72 cm');
    expect(fetchMock).toHaveBeenCalledWith('/api/v1/evidence/abc.png', expect.objectContaining({ method: 'GET' }));
    const img = w.get('[data-testid=evidence-thumb]');
    expect(img.attributes('src')).toMatch(/^blob:/);
  });

  it('shows the empty text when the floor is clean', () => {
    const w = mount(ViolationFeed, { props: { violations: [], emptyText: '今日暂无违规' } });
    expect(w.text()).toContain('今日暂无违规');
  });
});

describe('hotspot-overlay', () => {
  it('places markers at their pixels, pulses and labels only the first few', () => {
    const points = Array.from({ length: 5 }, (_, i) => ({ id: `v${i}`, x: 10 * i, y: 20, kind: i === 0 ? ('incident' as const) : ('cold' as const), label: `V${i}` }));
    const w = mount(HotspotOverlay, { props: { points, pulsing: 2, labelled: 3 } });
    const spots = w.findAll('[data-hotspot]');
    expect(spots).toHaveLength(5);
    expect(spots[3].attributes('style')).toContain('translate(30px, 20px)');
    expect(w.findAll('.hotspot__ring')).toHaveLength(2);
    expect(w.findAll('.hotspot__label').map((l) => l.text())).toEqual(['V0', 'V1', 'V2']);
    expect(spots[0].attributes('data-kind')).toBe('incident');
  });
});
