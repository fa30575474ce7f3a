import { use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { setDefaultRenderer } from '../charts/use-echarts';

// happy-dom has no canvas: component tests draw their charts with the SVG renderer.
use([SVGRenderer]);
setDefaultRenderer('svg');
