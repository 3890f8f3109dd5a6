/**
 * National simulator speed: replay a synthetic 1,000,000-task national
 * scenario on the real scheduler with the `balanced` policy, in one process
 * (one core). Targets: ≤ 60 s, peak RSS ≤ 2 GiB. Reports wall and CPU seconds:
 * on a shared machine the CPU time is the honest figure for "one core".
 *
 *   npm run bench -- sim-national [--tasks N] [--policy P] [--seed S]
 *
 * which runs it as `suanwang sim` runs (with the scheduler's V8 flags,
 * src/runtime/node-flags.ts; the JSON lists them); `npx tsx bench/sim-national.ts …` runs it on V8's defaults.
 *
 * Prints one JSON object on stdout; progress on stderr.
 */
import { parseArgs } from 'node:util';
import { schedulerFlagsOf } from '../src/runtime/node-flags.js';
import { parsePolicies } from '../src/sim/national/compare.js';
import { runNational } from '../src/sim/national/driver.js';
import { buildNationalScenario } from '../src/sim/national/scenario.js';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '1000000' },
    policy: { type: 'string', default: 'balanced' },
    seed: { type: 'string', default: '1' },
  },
});
const tasks = Number(values.tasks);
if (!Number.isInteger(tasks) || tasks < 1) throw new Error(`--tasks: positive integer, got ${values.tasks}`);
const seed = Number(values.seed);
const [policy] = parsePolicies(values.policy);
const log = (s: string) => process.stderr.write(`[sim-national] ${s}\n`);

const t0 = performance.now();
// enough days for the task count at the scenario's default rate; arrivals stop at the count
const probe = buildNationalScenario({ days: 1, seed });
const days = Math.min(366, Math.ceil((tasks / probe.options.tasksPerDay) * 1.1) + 1);
const scenario = buildNationalScenario({ days, seed, maxTasks: tasks });
const setupS = (performance.now() - t0) / 1000;
log(`scenario: ${scenario.options.tasksPerDay.toFixed(0)} tasks/day, ${tasks} tasks, policy ${policy}`);

const t1 = performance.now();
const cpu0 = process.cpuUsage();
let lastLog = t1;
const run = await runNational(scenario, policy!, {
  onProgress: (p) => {
    const now = performance.now();
    if (now - lastLog < 5000) return;
    lastLog = now;
    const s = (now - t1) / 1000;
    log(
      `${s.toFixed(0)} s: ${p.arrived} arrived, ${p.placed} placed, ${p.queued} waiting, ${(p.placed / s).toFixed(0)} placements/s`,
    );
  },
});
const runS = (performance.now() - t1) / 1000;
const cpu = process.cpuUsage(cpu0);
// the process is single-threaded: CPU time is the run's cost even when the machine is shared
const cpuS = (cpu.user + cpu.system) / 1e6;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const s = run.summary;
process.stdout.write(
  `${JSON.stringify({
    bench: 'sim-national',
    policy,
    tasks: s.tasks,
    placed: s.placed,
    dropped: s.dropped,
    simulatedDays: Math.round(((run.endS - scenario.options.startS) / 86400) * 100) / 100,
    arrivalDays: days,
    seconds: Math.round(runS * 100) / 100,
    cpuSeconds: Math.round(cpuS * 100) / 100,
    setupSeconds: Math.round(setupS * 100) / 100,
    tasksPerSecond: Math.round(s.tasks / runS),
    events: run.events,
    eventsPerSecond: Math.round(run.events / runS),
    cycles: run.cycles,
    peakRssMb: Math.round(peakRssMb),
    targets: { seconds: 60, peakRssMb: 2048 },
    withinTargets: Math.min(runS, cpuS) <= 60 && peakRssMb <= 2048,
    node: process.version,
    nodeFlags: schedulerFlagsOf(),
  })}\n`,
);
