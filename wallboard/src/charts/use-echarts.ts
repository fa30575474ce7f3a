import { onBeforeUnmount, onMounted, shallowRef, type Ref, type ShallowRef } from 'vue';
import { init, type EChartsCoreOption, type ECharts, type SetOptionOpts } from 'echarts/core';
import { setupEcharts } from './echarts-setup';

export interface UseEchartsOptions {
  /** The option the chart starts from (full: axes, geo, series skeletons). */
  initial: () => EChartsCoreOption;
  /** Called when the element's size changes, after the chart resized (e.g. to rescale fonts). */
  onResize?: (chart: ECharts, width: number, height: number) => void;
  /** Canvas on the walls; SVG where there is no canvas (component tests) — the SVG renderer must then be registered. */
  renderer?: 'canvas' | 'svg';
}

export interface UseEcharts {
  chart: ShallowRef<ECharts | null>;
  /**
   * Merges a partial option (series matched by id) and lets ECharts redraw on its next frame: live data goes
   * in this way, never as a full re-render per message.
   */
  update(partial: EChartsCoreOption, opts?: Omit<SetOptionOpts, 'lazyUpdate'>): void;
  /** Replaces the whole option (a locale switch, a different unit). */
  reset(option?: EChartsCoreOption): void;
}

let defaultRenderer: 'canvas' | 'svg' = 'canvas';

/** Where there is no canvas (component tests in happy-dom), charts render to SVG; the caller registers SVGRenderer. */
export function setDefaultRenderer(r: 'canvas' | 'svg'): void {
  defaultRenderer = r;
}

/**
 * Owns one ECharts instance for one element: init on mount, incremental update, resize on the element's size
 * (kiosk screens switch between 1080p and 4K without a reload), dispose on unmount.
 */
export function useEcharts(el: Ref<HTMLElement | null>, opts: UseEchartsOptions): UseEcharts {
  setupEcharts();
  const chart = shallowRef<ECharts | null>(null);
  let observer: ResizeObserver | null = null;
  let resizeFrame = 0;
  let pending: Array<[EChartsCoreOption, Omit<SetOptionOpts, 'lazyUpdate'> | undefined]> = [];

  onMounted(() => {
    const node = el.value;
    if (!node) return;
    const c = init(node, undefined, { renderer: opts.renderer ?? defaultRenderer });
    c.setOption(opts.initial());
    chart.value = c;
    for (const [partial, o] of pending) c.setOption(partial, { ...o, lazyUpdate: true });
    pending = [];
    if (typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(() => {
        cancelAnimationFrame(resizeFrame);
        resizeFrame = requestAnimationFrame(() => {
          const current = chart.value;
          if (!current || current.isDisposed()) return;
          current.resize();
          opts.onResize?.(current, node.clientWidth, node.clientHeight);
        });
      });
      observer.observe(node);
    }
  });

  onBeforeUnmount(() => {
    cancelAnimationFrame(resizeFrame);
    observer?.disconnect();
    observer = null;
    chart.value?.dispose();
    chart.value = null;
  });

  return {
    chart,
    update(partial, o) {
      const c = chart.value;
      if (!c || c.isDisposed()) {
        // Before mount: keep the latest few (they merge in order once the chart exists).
        pending.push([partial, o]);
        if (pending.length > 32) pending.shift();
        return;
      }
      c.setOption(partial, { ...o, lazyUpdate: true });
    },
    reset(option) {
      const c = chart.value;
      if (!c || c.isDisposed()) return;
      c.setOption(option ?? opts.initial(), { notMerge: true });
    },
  };
}
