/**
 * The ECharts parts the screens use, registered once: nothing else ends up in the bundle. A new chart type
 * on a screen means a line here.
 */
import { use, registerMap } from 'echarts/core';
import { BarChart, EffectScatterChart, GaugeChart, LineChart, LinesChart, ScatterChart } from 'echarts/charts';
import { GeoComponent, GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { LabelLayout } from 'echarts/features';
import chinaGeoJson from '../assets/china.json';

export const CHINA_MAP = 'china';

let done = false;

export function setupEcharts(): void {
  if (done) return;
  done = true;
  use([ScatterChart, EffectScatterChart, LinesChart, GaugeChart, LineChart, BarChart, GeoComponent, GridComponent, MarkLineComponent, TooltipComponent, LabelLayout, CanvasRenderer]);
  // The file is ECharts' compressed GeoJSON form; registerMap decodes it.
  registerMap(CHINA_MAP, chinaGeoJson as unknown as Parameters<typeof registerMap>[1]);
}
