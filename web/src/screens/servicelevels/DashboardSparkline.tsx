/**
 * 12-month sparkline of one service-level figure with its target as a dashed line; a month below
 * target is a red point. Only ECharts' core, the line chart and the components it uses are imported,
 * and this module is loaded lazily with the dashboard tab (the main bundle does not grow).
 */
import { LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';

echarts.use([LineChart, GridComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

export interface SparkPoint {
  month: string;
  value: number | null;
  met: boolean | null;
}

export default function DashboardSparkline({ points, target, onPick, testId }: { points: SparkPoint[]; target: number | null; onPick: (month: string) => void; testId?: string }) {
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const lo = Math.min(...values, target ?? Number.POSITIVE_INFINITY);
  const hi = Math.max(...values, target ?? Number.NEGATIVE_INFINITY);
  const pad = Math.max((hi - lo) * 0.15, 0.01);
  const option = {
    animation: false,
    grid: { left: 2, right: 2, top: 6, bottom: 2 },
    tooltip: { trigger: 'axis' as const, valueFormatter: (v: unknown) => (v === null || v === undefined ? '—' : `${v} %`), textStyle: { fontSize: 11 } },
    xAxis: { type: 'category' as const, data: points.map((p) => p.month), show: false, boundaryGap: false },
    yAxis: { type: 'value' as const, show: false, min: values.length ? lo - pad : 0, max: values.length ? Math.min(100 + pad, hi + pad) : 100 },
    series: [
      {
        type: 'line' as const,
        data: points.map((p) => ({ value: p.value, itemStyle: { color: p.met === false ? '#e03131' : '#1c7ed6' }, symbolSize: p.met === false ? 7 : 4 })),
        connectNulls: false,
        lineStyle: { color: '#1c7ed6', width: 1.5 },
        symbol: 'circle',
        markLine: target === null ? undefined : { symbol: 'none', silent: true, label: { show: false }, lineStyle: { type: 'dashed' as const, color: '#868e96', width: 1 }, data: [{ yAxis: target }] },
      },
    ],
  };
  return (
    <div data-testid={testId}>
      <ReactEChartsCore
        echarts={echarts}
        option={option}
        notMerge
        style={{ height: 56, width: '100%', cursor: 'pointer' }}
        opts={{ renderer: 'canvas' }}
        onEvents={{ click: (e: { name?: string }) => e.name && onPick(e.name) }}
      />
    </div>
  );
}
