/**
 * The monthly report's two charts: incidents per class over six months, and CPU / memory / disk usage
 * per cluster. Only ECharts' core, the bar chart and its components are imported, and this module is
 * loaded lazily with the report page (the main bundle does not grow).
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

const COLORS = ['#4e79a7', '#f28e2b', '#e15759'];

export interface BarSeries {
  name: string;
  values: (number | null)[];
}

export default function ReportBars({
  categories,
  series,
  max,
  unit,
  testId,
  stacked,
}: {
  categories: string[];
  series: BarSeries[];
  max?: number;
  unit?: string;
  testId?: string;
  stacked?: boolean;
}) {
  const option = {
    animation: false,
    color: COLORS,
    grid: { left: 40, right: 12, top: 30, bottom: 28 },
    legend: { top: 0, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' as const, valueFormatter: (v: unknown) => (v === null || v === undefined ? '—' : `${v}${unit ?? ''}`) },
    xAxis: { type: 'category' as const, data: categories, axisLabel: { fontSize: 11 } },
    yAxis: { type: 'value' as const, max, minInterval: 1, axisLabel: { fontSize: 11 } },
    series: series.map((s) => ({ type: 'bar' as const, name: s.name, data: s.values, stack: stacked ? 'all' : undefined, barMaxWidth: 28 })),
  };
  return (
    <div data-testid={testId}>
      <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 220, width: '100%' }} opts={{ renderer: 'canvas' }} />
    </div>
  );
}
