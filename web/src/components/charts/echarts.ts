/**
 * The ECharts parts the charts use, registered once. Only the chart components import this file,
 * and they are only ever loaded through dynamic imports, so ECharts stays out of the first load.
 * SVG rendering keeps the charts crisp when the meeting summary is printed.
 */
import { use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { BarChart, FunnelChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import VChart from 'vue-echarts';

use([SVGRenderer, BarChart, FunnelChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent]);

export { VChart };

/** The palette of the design tokens (ECharts needs literal colours). */
export const CHART_COLORS: string[] = ['#1f5fa8', '#9fbbe0', '#1d6b3a', '#8a4b00', '#b3261e', '#4d5a6b', '#5c8cc3', '#d2a54a'];
export const PRIMARY = '#1f5fa8';
export const APPROVED = '#9fbbe0';
export const SLATE = '#4d5a6b';
/** One calm hue for the seven stages, light to dark as a project advances. */
export const STAGE_SHADES: string[] = ['#e6eef8', '#d2dfee', '#bccfe6', '#9fbbe0', '#8fafd4', '#7ea4d0', '#5c8cc3'];
export const TEXT_COLOR = '#1c2533';
export const MUTED_COLOR = '#4d5a6b';

/** 万元 with two decimals, for axis labels and tooltips. */
export function wanValue(yuan: number): number {
  return Math.round(yuan / 100) / 100;
}
