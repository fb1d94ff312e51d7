/**
 * Bar chart of allocation per host. Only ECharts' core, the bar chart and the components it uses are
 * imported (tree-shaken), and this module is loaded with the lazy capacity screen only.
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import type { HostCapacity, MeasureLevel } from './cmdbApi';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

export const LEVEL_HEX: Record<MeasureLevel, string> = { ok: '#1c7ed6', warning: '#f59f00', over: '#e03131' };

export default function CapacityChart({
  hosts,
  labels,
  thresholds,
}: {
  hosts: HostCapacity[];
  labels: { cpu: string; memory: string };
  thresholds: { cpu: number; memory: number };
}) {
  // Each resource has its own colour; a bar at or over its threshold turns yellow / red.
  const bar = (name: string, key: 'cpu' | 'memory', color: string) => ({
    name,
    type: 'bar' as const,
    itemStyle: { color },
    data: hosts.map((h) => ({
      value: h[key].percent ?? 0,
      itemStyle: h[key].level === 'ok' ? undefined : { color: LEVEL_HEX[h[key].level] },
      allocated: h[key].allocated,
      capacity: h[key].capacity,
    })),
    barMaxWidth: 18,
    markLine: {
      symbol: 'none',
      silent: true,
      lineStyle: { type: 'dashed' as const, color: '#868e96' },
      label: { formatter: `${name} {c}%`, fontSize: 10, position: 'insideEndTop' as const },
      data: [{ yAxis: thresholds[key] }],
    },
  });
  const option = {
    animation: false,
    grid: { left: 40, right: 16, top: 36, bottom: 70 },
    legend: { top: 0, data: [labels.cpu, labels.memory] },
    tooltip: {
      trigger: 'axis' as const,
      axisPointer: { type: 'shadow' as const },
      valueFormatter: (v: unknown) => `${v}%`,
    },
    xAxis: { type: 'category' as const, data: hosts.map((h) => h.name), axisLabel: { rotate: 35, fontSize: 10 } },
    yAxis: { type: 'value' as const, axisLabel: { formatter: '{value}%' }, max: (v: { max: number }) => Math.max(100, Math.ceil(v.max / 10) * 10) },
    series: [bar(labels.cpu, 'cpu', '#1c7ed6'), bar(labels.memory, 'memory', '#20c997')],
  };
  return (
    <div data-testid="capacity-chart">
      <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 320, width: '100%' }} opts={{ renderer: 'canvas' }} />
    </div>
  );
}
