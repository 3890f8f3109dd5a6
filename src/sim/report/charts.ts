/**
 * ECharts options for the national report, built here (pure data, no
 * functions) so the page only has to hand them to `setOption`, and tests can
 * check what each chart shows.
 */
import type { NationalComparison } from '../national/compare.js';
import { beijingTime } from '../national/format.js';
import type { NationalSeries } from '../national/metrics.js';

/** An ECharts option object (plain JSON). */
export type ChartOption = Record<string, unknown>;

const PALETTE = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4'];

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

function base(title: string, subtitle?: string): ChartOption {
  return {
    animation: false,
    color: PALETTE,
    title: { text: title, ...(subtitle ? { subtext: subtitle } : {}), left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 64, right: 64, top: 72, bottom: 48 },
  };
}

/** Bars (left axis) and a line (right axis) per policy. */
function barsAndLine(
  c: NationalComparison,
  title: string,
  bar: { name: string; unit: string; values: number[] },
  line: { name: string; unit: string; values: number[] },
): ChartOption {
  return {
    ...base(title),
    legend: { top: 28, data: [bar.name, line.name] },
    xAxis: { type: 'category', data: c.rows.map((r) => r.policy) },
    yAxis: [
      { type: 'value', name: bar.unit, nameLocation: 'end' },
      { type: 'value', name: line.unit, nameLocation: 'end', splitLine: { show: false } },
    ],
    series: [
      {
        name: bar.name,
        type: 'bar',
        // labels print the value as is: keep it short
        data: bar.values.map((v) => round(v, Math.abs(v) >= 100 ? 0 : 2)),
        label: { show: true, position: 'top' },
      },
      { name: line.name, type: 'line', yAxisIndex: 1, data: line.values.map((v) => round(v)), symbolSize: 8 },
    ],
  };
}

export function carbonChart(c: NationalComparison): ChartOption {
  return barsAndLine(
    c,
    'Emissions and green power',
    { name: 't CO2', unit: 't CO2', values: c.rows.map((r) => r.carbonG / 1e6) },
    { name: 'green share %', unit: '%', values: c.rows.map((r) => r.greenShare * 100) },
  );
}

export function costChart(c: NationalComparison): ChartOption {
  return barsAndLine(
    c,
    'Cost and east→west',
    { name: 'cost, million CNY', unit: 'M CNY', values: c.rows.map((r) => r.costFen / 1e8) },
    { name: 'east→west share %', unit: '%', values: c.rows.map((r) => r.eastWestShare * 100) },
  );
}

export function serviceChart(c: NationalComparison): ChartOption {
  return {
    ...base('Service: latency, SLAs, deadlines'),
    legend: { top: 28, data: ['SLA violations', 'missed deadlines', 'interactive RTT ms'] },
    xAxis: { type: 'category', data: c.rows.map((r) => r.policy) },
    yAxis: [
      { type: 'value', name: 'tasks' },
      { type: 'value', name: 'ms', splitLine: { show: false } },
    ],
    series: [
      { name: 'SLA violations', type: 'bar', data: c.rows.map((r) => r.slaViolations) },
      { name: 'missed deadlines', type: 'bar', data: c.rows.map((r) => r.missedDeadlines) },
      {
        name: 'interactive RTT ms',
        type: 'line',
        yAxisIndex: 1,
        data: c.rows.map((r) => round(r.avgInteractiveRttMs, 2)),
        symbolSize: 8,
      },
    ],
  };
}

export function waitChart(c: NationalComparison): ChartOption {
  return {
    ...base('Waiting (start − submit, incl. deliberate deferral)'),
    legend: { top: 28, data: ['avg wait h', 'p95 wait h'] },
    xAxis: { type: 'category', data: c.rows.map((r) => r.policy) },
    yAxis: { type: 'value', name: 'hours' },
    series: [
      { name: 'avg wait h', type: 'bar', data: c.rows.map((r) => round(r.avgWaitS / 3600)) },
      { name: 'p95 wait h', type: 'bar', data: c.rows.map((r) => round(r.p95WaitS / 3600)) },
    ],
  };
}

/** Days since the scenario start of each step's middle. */
function daysAxis(s: NationalSeries, n: number): number[] {
  return Array.from({ length: n }, (_, b) => round(((b + 0.5) * s.stepS) / 86400, 4));
}

interface Line {
  /** Appended to the policy name in the legend. */
  suffix: string;
  pick: (s: NationalSeries) => number[];
  dashed?: boolean;
}

/** One line per policy (and per `lines` entry), over the arrivals window (the drain after it is left out). */
function timeChart(c: NationalComparison, title: string, unit: string, lines: Line[], scale = 1): ChartOption {
  const start = beijingTime(c.scenario.startS);
  const series = c.runs.flatMap((r, k) =>
    lines.map((line) => {
      const values = line.pick(r.series);
      const steps = Math.min(values.length, Math.ceil((c.scenario.days * 86400) / r.series.stepS));
      const days = daysAxis(r.series, steps);
      return {
        name: `${r.policy}${line.suffix}`,
        type: 'line',
        showSymbol: false,
        color: PALETTE[k % PALETTE.length],
        lineStyle: { width: 1.5, type: line.dashed ? 'dashed' : 'solid' },
        data: values.slice(0, steps).map((v, i) => [days[i], round(v * scale)]),
      };
    }),
  );
  return {
    ...base(title),
    legend: { top: 28, type: 'scroll', data: series.map((s) => s.name) },
    xAxis: {
      type: 'value',
      name: `days since ${start} (Beijing time)`,
      nameLocation: 'middle',
      nameGap: 28,
      min: 0,
      max: c.scenario.days,
    },
    yAxis: { type: 'value', name: unit },
    dataZoom: [{ type: 'inside' }],
    series,
  };
}

export function queueChart(c: NationalComparison): ChartOption {
  return timeChart(
    c,
    'Tasks waiting: for a placement (solid), placed but deferred to a later start (dashed)',
    'tasks',
    [
      { suffix: '', pick: (s) => s.queueAvg },
      { suffix: ' · deferred', pick: (s) => s.deferredAvg, dashed: true },
    ],
  );
}

export function utilisationChart(c: NationalComparison): ChartOption {
  return timeChart(
    c,
    'GPU utilisation of the network (reserved share)',
    '%',
    [{ suffix: '', pick: (s) => s.gpuUtil }],
    100,
  );
}

export function emissionsRateChart(c: NationalComparison): ChartOption {
  return timeChart(c, 'Emissions rate', 't CO2 / h', [{ suffix: '', pick: (s) => s.carbonKgPerH }], 1 / 1000);
}

/** Work (IT MWh) from origin groups (left) to destination groups (right) under one policy. */
export function flowChart(c: NationalComparison, policy: string): ChartOption {
  const run = c.runs.find((r) => r.policy === policy);
  if (!run) throw new Error(`no run for policy '${policy}'`);
  const label = (id: string) => {
    const g = c.groups[id];
    return g ? `${g.name} ${g.nameZh}` : id;
  };
  const side = (id: string) => c.groups[id]?.side ?? 'east';
  const from = (id: string) => `${label(id)} ▸`;
  const to = (id: string) => `▸ ${label(id)}`;
  const names = new Map<string, string>();
  const links = run.flows
    .filter((f) => f.itKwh > 0)
    .map((f) => {
      names.set(from(f.from), side(f.from));
      names.set(to(f.to), side(f.to));
      return { source: from(f.from), target: to(f.to), value: round(f.itKwh / 1000, 1) };
    });
  const nodes = [...names.entries()].map(([name, s]) => ({
    name,
    itemStyle: { color: s === 'west' ? '#3ba272' : '#5470c6' },
  }));
  return {
    animation: false,
    title: {
      text: `Where work ran (${policy}): origin region ▸ site region, IT MWh`,
      subtext: 'green: western hubs (东数西算 destinations); blue: eastern',
      left: 'center',
      textStyle: { fontSize: 14 },
    },
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'sankey',
        top: 64,
        bottom: 16,
        left: 16,
        right: 250,
        nodeAlign: 'justify',
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', opacity: 0.45 },
        data: nodes,
        links,
      },
    ],
  };
}

export interface ReportCharts {
  carbon: ChartOption;
  cost: ChartOption;
  service: ChartOption;
  wait: ChartOption;
  queue: ChartOption;
  utilisation: ChartOption;
  emissions: ChartOption;
  /** Per policy. */
  flows: Record<string, ChartOption>;
}

export function reportCharts(c: NationalComparison): ReportCharts {
  return {
    carbon: carbonChart(c),
    cost: costChart(c),
    service: serviceChart(c),
    wait: waitChart(c),
    queue: queueChart(c),
    utilisation: utilisationChart(c),
    emissions: emissionsRateChart(c),
    flows: Object.fromEntries(c.runs.map((r) => [r.policy, flowChart(c, r.policy)])),
  };
}
