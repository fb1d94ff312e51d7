/**
 * Line chart of an item's values over time, with its warning and critical thresholds as dashed
 * lines. Only ECharts' core, the line chart and the components it uses are imported (tree-shaken);
 * this module is loaded with the item page only.
 */
import { LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import type { HistoryPoint } from './monitoringApi';

echarts.use([LineChart, GridComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

const JST = 9 * 3600_000;
const pad = (n: number) => String(n).padStart(2, '0');
/** Axis and tooltip times in JST, whatever the browser's zone. */
function jst(ms: number, withDate: boolean): string {
  const d = new Date(ms + JST);
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return withDate ? `${d.getUTCMonth() + 1}/${d.getUTCDate()} ${hm}` : hm;
}

export default function HistoryChart({
  points,
  from,
  to,
  warning,
  critical,
  labels,
  unit,
}: {
  points: HistoryPoint[];
  from: string;
  to: string;
  warning: number | null;
  critical: number | null;
  labels: { value: string; warning: string; critical: string };
  unit: string;
}) {
  const fromMs = new Date(from).getTime();
  const toMs = new Date(to).getTime();
  const multiDay = toMs - fromMs > 26 * 3600_000;
  const data = points.filter((p) => p.num !== null).map((p) => [new Date(p.at).getTime(), p.num as number]);
  const max = Math.max(...data.map((d) => d[1] as number), warning ?? 0, critical ?? 0);
  const lines: Array<{ yAxis: number; name: string; lineStyle: { color: string; type: 'dashed'; width: number }; label: { formatter: string; color: string; position: 'insideEndTop' | 'insideEndBottom' } }> = [];
  if (warning !== null) lines.push({ yAxis: warning, name: labels.warning, lineStyle: { color: '#f08c00', type: 'dashed', width: 1.5 }, label: { formatter: `${labels.warning} ${warning}${unit}`, color: '#e67700', position: 'insideEndBottom' } });
  if (critical !== null) lines.push({ yAxis: critical, name: labels.critical, lineStyle: { color: '#e03131', type: 'dashed', width: 1.5 }, label: { formatter: `${labels.critical} ${critical}${unit}`, color: '#c92a2a', position: 'insideEndTop' } });
  const option = {
    animation: false,
    grid: { left: 48, right: 24, top: 24, bottom: 36 },
    tooltip: {
      trigger: 'axis' as const,
      formatter: (ps: Array<{ value: [number, number] }>) => {
        const p = ps[0];
        return p ? `${jst(p.value[0], true)}<br/><b>${p.value[1]}${unit}</b>` : '';
      },
    },
    xAxis: {
      type: 'time' as const,
      min: fromMs,
      max: toMs,
      axisLabel: { formatter: (v: number) => jst(v, multiDay), hideOverlap: true, fontSize: 11 },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value' as const,
      min: 0,
      max: unit === '%' ? Math.max(100, Math.ceil(max / 10) * 10) : undefined,
      axisLabel: { formatter: `{value}${unit}`, fontSize: 11 },
    },
    series: [
      {
        name: labels.value,
        type: 'line' as const,
        data,
        showSymbol: data.length < 60,
        symbolSize: 4,
        lineStyle: { width: 1.6, color: '#1c7ed6' },
        itemStyle: { color: '#1c7ed6' },
        areaStyle: { color: 'rgba(28,126,214,0.08)' },
        connectNulls: false,
        markLine: { symbol: 'none', silent: true, data: lines, label: { fontSize: 11 } },
      },
    ],
  };
  return (
    <div data-testid="item-chart" data-points={data.length}>
      <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 300, width: '100%' }} opts={{ renderer: 'canvas' }} />
    </div>
  );
}
