/**
 * The comparison as people read it: a plain-text table for the terminal and
 * a Markdown page for the docs. Units are in the headers; money in CNY.
 */
import type { NationalComparison } from './compare.js';
import type { NationalSummary } from './metrics.js';

export function formatDuration(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  if (s < 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(2)} d`;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, d: number) =>
  n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** "2026-01-05 00:00" in Beijing time (UTC+8). */
export function beijingTime(tS: number): string {
  return new Date((tS + 8 * 3600) * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

interface Column {
  header: string;
  value: (r: NationalSummary) => string;
}

export const COMPARISON_COLUMNS: readonly Column[] = [
  { header: 'policy', value: (r) => r.policy },
  { header: 'tasks', value: (r) => int(r.tasks) },
  { header: 'placed', value: (r) => int(r.placed) },
  { header: 'energy MWh', value: (r) => fixed(r.energyKwh / 1000, 0) },
  { header: 't CO2', value: (r) => fixed(r.carbonG / 1e6, 0) },
  { header: 'green', value: (r) => pct(r.greenShare) },
  { header: 'cost M CNY', value: (r) => fixed(r.costFen / 1e8, 2) },
  { header: 'avg RTT ms', value: (r) => fixed(r.avgRttMs, 1) },
  { header: 'SLA RTT ms', value: (r) => fixed(r.avgInteractiveRttMs, 1) },
  { header: 'SLA violations', value: (r) => int(r.slaViolations) },
  { header: 'missed deadlines', value: (r) => int(r.missedDeadlines) },
  { header: 'east→west', value: (r) => pct(r.eastWestShare) },
  { header: 'data moved TB', value: (r) => fixed(r.dataMovedGb / 1000, 0) },
  { header: 'avg wait', value: (r) => formatDuration(r.avgWaitS) },
  { header: 'p95 wait', value: (r) => formatDuration(r.p95WaitS) },
  { header: 'deferred', value: (r) => int(r.deferredTasks) },
];

function scenarioLine(c: NationalComparison): string {
  const s = c.scenario;
  const what: string[] = [];
  if (s.growth !== 0) what.push(`demand ${s.growth > 0 ? '+' : ''}${(s.growth * 100).toFixed(0)}%`);
  for (const a of s.additions) what.push(`${a.siteId} +${int(a.pflops)} P ${a.kind}`);
  return (
    `national scenario: ${s.days} d from ${beijingTime(s.startS)} Beijing time, seed ${s.seed}, ` +
    `${int(s.tasksPerDay)} tasks/day base (GPU load ${s.gpuLoad}), ${s.sites} sites, ${int(s.totalGpus)} GPUs, ` +
    `scheduling every ${s.cycleS} s${what.length ? `; what-if: ${what.join(', ')}` : ''}`
  );
}

/** Aligned plain-text table, one row per policy, with the scenario line above. */
export function formatComparisonTable(c: NationalComparison): string {
  const cells = [
    COMPARISON_COLUMNS.map((k) => k.header),
    ...c.rows.map((r) => COMPARISON_COLUMNS.map((k) => k.value(r))),
  ];
  const widths = COMPARISON_COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return `${scenarioLine(c)}\n${cells.map(line).join('\n')}\n`;
}

/** A Markdown page: what was run (the exact command), the table, and how to read it. */
export function comparisonMarkdown(c: NationalComparison, command: string): string {
  const head = `| ${COMPARISON_COLUMNS.map((k) => k.header).join(' | ')} |`;
  const sep = `|${COMPARISON_COLUMNS.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  const rows = c.rows.map((r) => `| ${COMPARISON_COLUMNS.map((k) => k.value(r)).join(' | ')} |`);
  const s = c.scenario;
  const mix = Object.entries(s.mix)
    .map(([k, v]) => `${k} ${(v * 100).toFixed(0)}%`)
    .join(', ');
  return [
    '# National comparison of scheduling policies',
    '',
    'One synthetic national workload, generated from a seed, placed by each policy of the real scheduler',
    "(`src/scheduler`) under the simulator's virtual clock, on the shipped 东数西算 topology.",
    '',
    '```sh',
    command,
    '```',
    '',
    scenarioLine(c),
    '',
    head,
    sep,
    ...rows,
    '',
    `Job mix (share of tasks): ${mix}. Demand comes from ${s.demandCities} cities weighted by GDP, with a`,
    'daily (Beijing time) and weekly shape per kind of work. Every figure is computed from what was placed',
    '(site PUE, GPU power, prices, hourly grid curves): definitions in `src/sim/METRICS.md`.',
    '',
    "- **energy / t CO2 / green**: facility energy (IT × PUE), its emissions from the sites' hourly grid",
    '  curves, and the share of it that is green power.',
    "- **cost**: compute at the site's rates plus moving the task's data in.",
    "- **avg RTT / SLA RTT**: round trip from the task's origin city to its site, over all placed tasks /",
    '  over interactive tasks (those with a latency SLA).',
    '- **SLA violations**: interactive tasks served above their SLA or not started within ' +
      `${formatDuration(s.slaWaitLimitS)}; **missed deadlines**: deadline work that could not finish in time.`,
    '- **east→west**: of the IT energy of work from eastern cities, the share that ran at western sites.',
    '- **wait**: start − submit, including deliberate deferral to a greener or cheaper hour (**deferred** tasks).',
    '',
    '![National comparison report](national-comparison.png)',
    '',
  ].join('\n');
}
