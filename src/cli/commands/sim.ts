/**
 * `suanwang sim`: the simulator from the command line.
 *
 * Two paths. A site-level replay of a trace (SWF, Batsim JSON, or a cloud
 * pod list with --nodes) under a batch policy — N consecutive jobs from index
 * I on the trace's own machine, starting empty. And `--scenario national`:
 * a generated national workload placed by the real scheduler under each
 * policy named in --policies, compared side by side (src/sim/national).
 */
import { writeFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { DomainError } from '../../domain/errors.js';
import type { JobRecord } from '../../sim/batch/batch-site.js';
import { type BatchPolicy, parseBatchPolicy } from '../../sim/batch/policy.js';
import { type ReplayResult, replayTrace } from '../../sim/batch/replay.js';
import {
  buildNationalScenario,
  comparisonMarkdown,
  formatComparisonTable,
  parseCapacityAddition,
  parsePolicies,
  runComparison,
} from '../../sim/national/index.js';
import { renderNationalReport, screenshotReport } from '../../sim/report/index.js';
import type { TraceFormat, Workload } from '../../sim/traces/job.js';
import { parseTraceFormat, readTraceFile } from '../../sim/traces/read-trace.js';

export interface SiteReplayOptions {
  trace: string;
  format?: TraceFormat;
  policy: BatchPolicy;
  from?: number;
  jobs?: number;
  nodes?: number;
  jobsOut?: string;
}

export interface SiteReplayReport {
  trace: string;
  format: TraceFormat;
  policy: BatchPolicy;
  machineNodes: number;
  from: number;
  jobs: number;
  skippedTooLarge: number;
  killedJobs: number;
  avgWaitS: number;
  medianWaitS: number;
  p95WaitS: number;
  maxWaitS: number;
  avgResponseS: number;
  avgSlowdown: number;
  avgBoundedSlowdown: number;
  maxBoundedSlowdown: number;
  utilization: number;
  makespanS: number;
  nodeSecondsUsed: number;
  events: number;
  traceRecords: number;
  traceJobsAfterCleaning: number;
  dropped: Record<string, number>;
}

/** Jobs at or above which a TTY gets a progress bar. */
const PROGRESS_MIN_JOBS = 10_000;

/** Option values are checked as they are parsed; commander shows InvalidArgumentError messages cleanly. */
function optionParser<T>(parse: (v: string) => T): (v: string) => T {
  return (v: string) => {
    try {
      return parse(v);
    } catch (e) {
      if (e instanceof DomainError) throw new InvalidArgumentError(e.message);
      throw e;
    }
  };
}

function intOption(field: string, min: number): (v: string) => number {
  return optionParser((v: string) => {
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min) {
      throw new DomainError('validation', `--${field}: must be an integer ≥ ${min}, got '${v}'`, field);
    }
    return n;
  });
}

/** Per-job CSV: id,submit,start,end,nodes,wait,killed (times in trace seconds). */
export function jobsCsv(records: readonly JobRecord[]): string {
  const lines = ['id,submit,start,end,nodes,wait,killed'];
  for (const r of records) {
    const id = /[",\n]/.test(r.id) ? `"${r.id.replaceAll('"', '""')}"` : r.id;
    lines.push(`${id},${r.submitS},${r.startS},${r.endS},${r.nodes},${r.waitS},${r.killed ? 1 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runSiteReplay(
  opts: SiteReplayOptions,
  progressStream: NodeJS.WriteStream | null = null,
): Promise<{ report: SiteReplayReport; result: ReplayResult; workload: Workload }> {
  const workload = await readTraceFile(opts.trace, opts.format);
  if (workload.jobs.length === 0) {
    throw new DomainError('validation', `trace: ${opts.trace} has no replayable jobs after cleaning`, 'trace');
  }
  if (workload.machineNodes === null && opts.nodes === undefined && workload.format === 'alibaba-gpu') {
    // A pod list names no machine, and every pod takes one node: the machine size must be given.
    throw new DomainError(
      'validation',
      '--nodes: a pod list has no machine size; give the number of nodes to replay on',
      'nodes',
    );
  }
  const from = opts.from ?? 0;
  const total = Math.min(opts.jobs ?? Number.POSITIVE_INFINITY, Math.max(0, workload.jobs.length - from));
  let bar: SingleBar | null = null;
  if (progressStream?.isTTY && total >= PROGRESS_MIN_JOBS) {
    bar = new SingleBar({
      stream: progressStream,
      format: 'replay {bar} {percentage}% | {value}/{total} jobs | eta {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
    });
    bar.start(total, 0);
  }
  let result: ReplayResult;
  try {
    result = replayTrace(workload, {
      policy: opts.policy,
      machineNodes: opts.nodes,
      from: opts.from,
      jobs: opts.jobs,
      onProgress: bar ? (done, n) => bar?.update(done, { total: n }) : undefined,
    });
  } finally {
    bar?.stop();
  }
  if (opts.jobsOut) await writeFile(opts.jobsOut, jobsCsv(result.records));
  const m = result.metrics;
  const report: SiteReplayReport = {
    trace: opts.trace,
    format: workload.format,
    policy: result.policy,
    machineNodes: result.machineNodes,
    from: result.from,
    jobs: result.jobs,
    skippedTooLarge: result.skippedTooLarge,
    killedJobs: m.killedJobs,
    avgWaitS: m.avgWaitS,
    medianWaitS: m.medianWaitS,
    p95WaitS: m.p95WaitS,
    maxWaitS: m.maxWaitS,
    avgResponseS: m.avgResponseS,
    avgSlowdown: m.avgSlowdown,
    avgBoundedSlowdown: m.avgBoundedSlowdown,
    maxBoundedSlowdown: m.maxBoundedSlowdown,
    utilization: m.utilization,
    makespanS: m.makespanS,
    nodeSecondsUsed: m.nodeSecondsUsed,
    events: result.events,
    traceRecords: workload.recordsRead,
    traceJobsAfterCleaning: workload.jobs.length,
    dropped: workload.dropped,
  };
  return { report, result, workload };
}

function fmtDuration(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  if (s < 86400) return `${(s / 3600).toFixed(2)} h`;
  return `${(s / 86400).toFixed(2)} d`;
}

export function formatReport(r: SiteReplayReport): string {
  const rows: [string, string][] = [
    ['trace', `${r.trace} (${r.format})`],
    ['policy', r.policy],
    ['machine', `${r.machineNodes} nodes`],
    [
      'jobs',
      `${r.jobs} from index ${r.from}${r.skippedTooLarge ? ` (${r.skippedTooLarge} larger than the machine left out)` : ''}`,
    ],
    ['killed at request', String(r.killedJobs)],
    ['avg wait', `${r.avgWaitS.toFixed(1)} s (${fmtDuration(r.avgWaitS)})`],
    [
      'median / p95 / max wait',
      `${fmtDuration(r.medianWaitS)} / ${fmtDuration(r.p95WaitS)} / ${fmtDuration(r.maxWaitS)}`,
    ],
    ['avg response', `${r.avgResponseS.toFixed(1)} s (${fmtDuration(r.avgResponseS)})`],
    ['avg slowdown', r.avgSlowdown.toFixed(3)],
    ['avg bounded slowdown', `${r.avgBoundedSlowdown.toFixed(3)} (τ = 10 s)`],
    ['utilization', `${(r.utilization * 100).toFixed(2)} %`],
    ['makespan', `${r.makespanS} s (${fmtDuration(r.makespanS)})`],
    ['events', String(r.events)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')}\n`;
}

function numberOption(field: string, ok: (n: number) => boolean, what: string): (v: string) => number {
  return optionParser((v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || !ok(n)) {
      throw new DomainError('validation', `--${field}: must be ${what}, got '${v}'`, field);
    }
    return n;
  });
}

/** The command line as typed, for the report and the docs. */
function commandLine(): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  return ['suanwang', ...process.argv.slice(2).map(quote)].join(' ');
}

/** `--scenario national`: one workload, each policy, a comparison table (and report, PNG, Markdown). */
export async function runNationalScenario(o: Record<string, unknown>, progressStream: NodeJS.WriteStream | null) {
  if (o.scenario !== 'national') {
    throw new DomainError(
      'validation',
      `--scenario: unknown scenario '${String(o.scenario)}' (known: national)`,
      'scenario',
    );
  }
  if (o.trace !== undefined) throw new DomainError('validation', '--trace: not used with --scenario', 'trace');
  if (typeof o.png === 'string' && typeof o.report !== 'string') {
    throw new DomainError('validation', '--png: renders the --report page; give --report too', 'png');
  }
  if (typeof o.days !== 'number')
    throw new DomainError('validation', '--days: how many days to simulate is required', 'days');
  const policies = parsePolicies(
    typeof o.policies === 'string' ? o.policies : 'nearest,cheapest,greenest,balanced,optimal',
  );
  const scenario = buildNationalScenario({
    days: o.days,
    seed: (o.seed as number | undefined) ?? 1,
    growth: o.growth as number | undefined,
    addCapacity: (o.addCapacity as string[] | undefined) ?? [],
    tasksPerDay: o.tasksPerDay as number | undefined,
    gpuLoad: o.gpuLoad as number | undefined,
    cycleS: o.cycle as number | undefined,
    maxTasks: o.maxTasks as number | undefined,
  });
  let bar: SingleBar | null = null;
  if (progressStream?.isTTY) {
    bar = new SingleBar({
      stream: progressStream,
      format: 'national {policy} {bar} {percentage}% | {arrived} tasks | {queued} waiting',
      hideCursor: true,
      clearOnComplete: true,
    });
    bar.start(100 * policies.length, 0, { policy: policies[0], arrived: 0, queued: 0 });
  }
  let comparison: Awaited<ReturnType<typeof runComparison>>;
  try {
    comparison = await runComparison(scenario, policies, {
      onProgress: bar
        ? (p) =>
            bar?.update(100 * policies.indexOf(p.policy) + Math.round(100 * p.fraction), {
              policy: p.policy,
              arrived: p.arrived,
              queued: p.queued,
            })
        : undefined,
    });
  } finally {
    bar?.stop();
  }
  const command = commandLine();
  if (typeof o.report === 'string') await writeFile(o.report, renderNationalReport(comparison, { command }));
  if (typeof o.markdown === 'string') await writeFile(o.markdown, comparisonMarkdown(comparison, command));
  if (typeof o.png === 'string' && typeof o.report === 'string') {
    const shot = await screenshotReport(o.report, o.png);
    if (shot.pageErrors.length > 0) {
      throw new DomainError('unavailable', `png: the report page logged errors: ${shot.pageErrors.join('; ')}`, 'png');
    }
  }
  return comparison;
}

export function register(program: Command): void {
  program
    .command('sim')
    .description(
      'Replay a workload trace on a simulated batch machine (FCFS, SJF or EASY backfilling), ' +
        'or run the national scenario on the real scheduler (--scenario national)',
    )
    .option(
      '--trace <file>',
      'trace file: SWF (.swf), Batsim JSON (.json) or Alibaba GPU pod list (.csv); .gz accepted',
    )
    .option(
      '--format <format>',
      'trace format when the file name does not tell: swf | batsim | alibaba-gpu',
      optionParser(parseTraceFormat),
    )
    .option(
      '--policy <policy>',
      'batch policy: fcfs | sjf | easy',
      optionParser((v: string) => parseBatchPolicy(v)),
      'easy' as BatchPolicy,
    )
    .option('--from <index>', '0-based index of the first job (among jobs kept after cleaning)', intOption('from', 0))
    .option('--jobs <n>', 'number of consecutive jobs to replay (default: all)', intOption('jobs', 1))
    .option(
      '--nodes <n>',
      "machine size (default: the trace's MaxNodes/MaxProcs or nb_res, else its largest job)",
      intOption('nodes', 1),
    )
    .option('--jobs-out <file.csv>', 'write per-job id,submit,start,end,nodes,wait,killed to a CSV file')
    .option('--json', 'print the result as one JSON object')
    .option('--scenario <name>', 'run a generated scenario instead of a trace: national')
    .option(
      '--days <d>',
      'national: days of arrivals',
      numberOption('days', (n) => n > 0 && n <= 366, 'days in (0, 366]'),
    )
    .option('--seed <n>', 'national: seed of the generated workload (default 1)', intOption('seed', 0))
    .option('--policies <list>', 'national: comma-separated scheduler policies (default: all five)')
    .option(
      '--growth <x>',
      'national what-if: demand growth, 0.2 = +20%',
      numberOption('growth', (n) => n > -1, 'a number > -1'),
    )
    .option(
      '--add-capacity <site:kind:amount>',
      'national what-if: capacity added to a site, e.g. helinger-1:intelligent:20000P (repeatable)',
      (v: string, prev: string[] | undefined) => [
        ...(prev ?? []),
        optionParser((x: string) => {
          parseCapacityAddition(x, 'add-capacity');
          return x;
        })(v),
      ],
    )
    .option(
      '--tasks-per-day <n>',
      'national: base tasks per day (default: from --gpu-load)',
      numberOption('tasks-per-day', (n) => n > 0, 'a number > 0'),
    )
    .option(
      '--gpu-load <x>',
      'national: offered GPU load of the base demand (default 0.6)',
      numberOption('gpu-load', (n) => n > 0 && n <= 10, 'a load in (0, 10]'),
    )
    .option(
      '--cycle <s>',
      'national: scheduling interval in seconds (default 60)',
      numberOption('cycle', (n) => n >= 1 && n <= 86400, 'seconds in [1, 86400]'),
    )
    .option('--max-tasks <n>', 'national: stop arrivals after this many tasks', intOption('max-tasks', 1))
    .option('--report <file.html>', 'national: write a self-contained HTML report with charts')
    .option('--png <file.png>', 'national: render the --report page to PNG with Chromium (needs playwright-core)')
    .option('--markdown <file.md>', 'national: write the comparison table as Markdown, with the command')
    .action(async function (this: Command, o: Record<string, unknown>) {
      try {
        if (o.scenario !== undefined) {
          const c = await runNationalScenario(o, process.stderr);
          process.stdout.write(
            o.json ? `${JSON.stringify({ scenario: c.scenario, rows: c.rows })}\n` : formatComparisonTable(c),
          );
          return;
        }
        if (typeof o.trace !== 'string')
          throw new DomainError('validation', '--trace: a trace file is required', 'trace');
        const { report } = await runSiteReplay(
          {
            trace: o.trace,
            format: o.format as TraceFormat | undefined,
            policy: o.policy as BatchPolicy,
            from: o.from as number | undefined,
            jobs: o.jobs as number | undefined,
            nodes: o.nodes as number | undefined,
            jobsOut: o.jobsOut as string | undefined,
          },
          process.stderr,
        );
        process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : formatReport(report));
      } catch (e) {
        if (e instanceof DomainError) this.error(`error: ${e.message}`, { exitCode: 2, code: `sim.${e.code}` });
        throw e;
      }
    });
}
