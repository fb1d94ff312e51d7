/** The half-year forecast's chart: per cluster, allocated ÷ capacity (CPU, memory, disk) at 12 month ends with the threshold. Lazy chunk. */
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

export default function HalfyearTrend({
  months,
  series,
  threshold,
  testId,
}: {
  months: string[];
  series: { name: string; values: (number | null)[] }[];
  threshold: number;
  testId?: string;
}) {
  const option = {
    animation: false,
    color: ['#4e79a7', '#f28e2b', '#59a14f'],
    grid: { left: 40, right: 12, top: 30, bottom: 28 },
    legend: { top: 0, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' as const, valueFormatter: (v: unknown) => (v === null || v === undefined ? '—' : `${v} %`) },
    xAxis: { type: 'category' as const, data: months, axisLabel: { fontSize: 11 } },
    yAxis: { type: 'value' as const, min: 0, max: 100, axisLabel: { fontSize: 11, formatter: '{value} %' } },
    series: series.map((s, i) => ({
      type: 'line' as const,
      name: s.name,
      data: s.values,
      connectNulls: false,
      markLine:
        i === 0
          ? { symbol: 'none', lineStyle: { color: '#e15759', type: 'dashed' as const }, data: [{ yAxis: threshold }], label: { formatter: `${threshold} %` } }
          : undefined,
    })),
  };
  return (
    <div data-testid={testId}>
      <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 200, width: '100%' }} opts={{ renderer: 'canvas' }} />
    </div>
  );
}
