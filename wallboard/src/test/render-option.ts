import { init, use, type EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { setupEcharts } from '../charts/echarts-setup';

/**
 * Renders options with ECharts' server-side SVG renderer, as the browser would lay them out, so tests can
 * assert on what is drawn (labels, colours, element counts) rather than on the option object.
 */
export function renderOptions(options: EChartsCoreOption[], width = 1920, height = 1080): string {
  setupEcharts();
  use([SVGRenderer]);
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    for (const o of options) chart.setOption(o);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export function count(svg: string, needle: string | RegExp): number {
  if (typeof needle === 'string') return svg.split(needle).length - 1;
  return (svg.match(new RegExp(needle.source, needle.flags.includes('g') ? needle.flags : `${needle.flags}g`)) ?? []).length;
}
