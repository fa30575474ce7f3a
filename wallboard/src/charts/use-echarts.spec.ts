import { describe, expect, it } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import { mount } from '@vue/test-utils';
import { use, type EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEcharts, type UseEcharts } from './use-echarts';

use([SVGRenderer]);

/** Mounts one component using the composable; `inSetup` runs during setup, before the chart exists. */
function harness(initial: () => EChartsCoreOption, inSetup?: (api: UseEcharts) => void) {
  let api!: UseEcharts;
  const Comp = defineComponent({
    setup() {
      const el = ref<HTMLElement | null>(null);
      api = useEcharts(el, { initial, renderer: 'svg' });
      inSetup?.(api);
      return () => h('div', { ref: el, style: 'width: 400px; height: 300px' });
    },
  });
  const wrapper = mount(Comp, { attachTo: document.body });
  return { wrapper, api: () => api };
}

const base = (): EChartsCoreOption => ({
  animation: false,
  xAxis: { type: 'category', data: ['a', 'b'] },
  yAxis: { type: 'value' },
  series: [{ id: 's', type: 'bar', data: [1, 2] }],
});

describe('useEcharts', () => {
  it('creates the chart on mount with the initial option', () => {
    const { wrapper, api } = harness(base);
    const chart = api().chart.value!;
    expect(chart).toBeTruthy();
    expect((chart.getOption() as { series: Array<{ data: number[] }> }).series[0].data).toEqual([1, 2]);
    wrapper.unmount();
  });

  it('merges a partial update into the series with the same id, keeping the rest', () => {
    const { wrapper, api } = harness(base);
    api().update({ series: [{ id: 's', data: [5, 6] }] });
    const opt = api().chart.value!.getOption() as { series: Array<{ data: number[]; type: string }>; xAxis: Array<{ data: string[] }> };
    expect(opt.series[0].data).toEqual([5, 6]);
    expect(opt.series[0].type).toBe('bar');
    expect(opt.xAxis[0].data).toEqual(['a', 'b']);
    wrapper.unmount();
  });

  it('applies updates made before mount once the chart exists', () => {
    const { wrapper, api } = harness(base, (early) => early.update({ series: [{ id: 's', data: [9, 9] }] }));
    expect((api().chart.value!.getOption() as { series: Array<{ data: number[] }> }).series[0].data).toEqual([9, 9]);
    wrapper.unmount();
  });

  it('disposes the chart on unmount and ignores later updates', () => {
    const { wrapper, api } = harness(base);
    const chart = api().chart.value!;
    wrapper.unmount();
    expect(chart.isDisposed()).toBe(true);
    expect(api().chart.value).toBeNull();
    expect(() => api().update({ series: [{ id: 's', data: [1] }] })).not.toThrow();
  });

  it('reset replaces the option instead of merging', () => {
    const { wrapper, api } = harness(base);
    api().reset({ series: [{ id: 'other', type: 'line', data: [3] }], xAxis: { type: 'category', data: ['x'] }, yAxis: { type: 'value' } });
    const opt = api().chart.value!.getOption() as { series: Array<{ id: string }> };
    expect(opt.series.map((s) => s.id)).toEqual(['other']);
    wrapper.unmount();
  });
});
