import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import EvidenceList from './evidence-list.vue';

describe('evidence-list', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows photos as thumbnails and a GPS track, clip or call as a labelled chip', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(new Blob([new Uint8Array([1])], { type: 'image/jpeg' }), { status: 200 })));
    const w = mount(EvidenceList, {
      props: {
        items: [
          { kind: 'photo', uri: '/api/v1/evidence/a.jpg' },
          { kind: 'track', uri: 'geo:31.23045,121.47372' },
          { kind: 'call_recording', uri: 'https://rec.example/1.mp3' },
        ],
      },
    });
    await flushPromises();
    expect(w.findAll('[data-testid=evidence-thumb]')).toHaveLength(1);
    const chips = w.findAll('.evidence-chip');
    expect(chips.map((c) => c.attributes('data-kind'))).toEqual(['track', 'call_recording']);
    expect(chips[0].text()).toBe('位置 31.230, 121.474');
    expect(chips[1].text()).toBe('通话录音');
  });

  it('shows evidence that failed to load as such', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"code":"resource/not_found","message":"no evidence"}', { status: 404 })));
    const w = mount(EvidenceList, { props: { items: [{ kind: 'snapshot', uri: '/api/v1/evidence/missing.png' }] } });
    await flushPromises();
    expect(w.text()).toContain('证据加载失败');
  });
});
