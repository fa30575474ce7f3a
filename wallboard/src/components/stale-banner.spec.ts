import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { computed, ref, shallowRef } from 'vue';
import StaleBanner from './stale-banner.vue';
import type { LiveTopic, TopicStatus } from '../realtime/use-live-topic';
import { setLocale } from '../i18n/use-i18n';
import { VehicleStore } from '../realtime/vehicle-store';

function topic(over: { status?: TopicStatus; staleSince?: number | null; lastMessageAt?: number | null; error?: { code: string; message: string } | null }): LiveTopic {
  return {
    room: ref('hq'),
    status: ref(over.status ?? 'live'),
    error: ref(over.error ?? null),
    seq: ref(0),
    lastMessageAt: ref(over.lastMessageAt === undefined ? 1 : over.lastMessageAt),
    staleSince: ref(over.staleSince ?? null),
    resyncs: ref(0),
    feed: shallowRef([]),
    violations: shallowRef([]),
    alerts: shallowRef([]),
    openAlerts: computed(() => []),
    kpis: shallowRef(new Map()),
    vehicles: new VehicleStore(),
    vehiclesVersion: ref(0),
    kpi: () => undefined,
    kpiHistory: () => [],
    resync: () => undefined,
    stop: () => undefined,
  } as LiveTopic;
}

describe('stale-banner', () => {
  it('shows nothing while the topic is live and fresh', () => {
    const w = mount(StaleBanner, { props: { topic: topic({}) } });
    expect(w.find('[role=status]').exists()).toBe(false);
  });

  it('says since when the data is stale, in the current language', () => {
    setLocale('zh-CN');
    const since = new Date('2025-03-01T08:15:30+08:00').getTime();
    const w = mount(StaleBanner, { props: { topic: topic({ staleSince: since }) } });
    const banner = w.get('[data-testid=stale-banner]');
    expect(banner.text()).toContain('数据已停止更新');
    expect(banner.text()).toMatch(/\d{2}:\d{2}:\d{2}/);
    setLocale('en');
    const en = mount(StaleBanner, { props: { topic: topic({ staleSince: since }) } });
    expect(en.get('[data-testid=stale-banner]').text()).toContain('Data stale since');
    setLocale('zh-CN');
  });

  it('says that nothing arrived yet when the topic was never fed', () => {
    const w = mount(StaleBanner, { props: { topic: topic({ staleSince: 5, lastMessageAt: null }) } });
    expect(w.get('[data-testid=stale-banner]').text()).toContain('尚未收到数据');
  });

  it('shows a refusal, with the hub’s message, above everything else', () => {
    const w = mount(StaleBanner, {
      props: { topic: topic({ status: 'refused', staleSince: 5, error: { code: 'auth/out_of_scope', message: 'region user may not join region:R2' } }) },
    });
    const el = w.get('[data-testid=live-refused]');
    expect(el.text()).toContain('region user may not join region:R2');
    expect(w.find('[data-testid=stale-banner]').exists()).toBe(false);
  });

  it('says it is reconnecting while offline and not yet stale', () => {
    const w = mount(StaleBanner, { props: { topic: topic({ status: 'offline' }) } });
    expect(w.get('[data-testid=live-offline]').text()).toContain('重连');
  });
});
