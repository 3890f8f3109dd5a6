/**
 * Simulator speed: raw event throughput of the engine, and the time to read
 * and replay full SWF logs under FCFS, SJF and EASY (the target: a full log,
 * e.g. SDSC-SP2's 54,034 jobs, with EASY in ≤ 2 s).
 *
 *   npx tsx bench/sim-swf.ts [--trace FILE]... [--events N] [--repeat R]
 *
 * Prints one JSON object on stdout; progress on stderr.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Rng } from '../src/domain/rng.js';
import type { BatchPolicy } from '../src/sim/batch/policy.js';
import { replayTrace } from '../src/sim/batch/replay.js';
import { Engine } from '../src/sim/engine.js';
import { readSwfFile } from '../src/sim/traces/swf.js';

const { values } = parseArgs({
  options: {
    trace: { type: 'string', multiple: true },
    events: { type: 'string', default: '5000000' },
    repeat: { type: 'string', default: '3' },
  },
});
const DEFAULT_TRACES = [
  'data/traces/SDSC-SP2-1998-4.2-cln.swf.gz',
  'data/traces/ALCF-Theta-2022.swf.gz',
  'data/traces/lublin_256.swf.gz',
];
const traces = values.trace ?? DEFAULT_TRACES.filter((f) => existsSync(f));
const eventsTarget = Number(values.events);
const repeat = Number(values.repeat);
if (!Number.isInteger(eventsTarget) || eventsTarget < 1)
  throw new Error(`--events: positive integer, got ${values.events}`);
if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat: positive integer, got ${values.repeat}`);
const log = (s: string) => process.stderr.write(`[sim-swf] ${s}\n`);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

/** The classic "hold" model: a fixed population of pending events, each rescheduling itself a random delay ahead. */
function holdBench(
  pending: number,
  events: number,
): { eventsPerS: number; eventsPerCpuS: number; events: number; pending: number; wallMs: number; cpuMs: number } {
  const rng = new Rng(1);
  const e = new Engine();
  const fire = (id: number) => {
    e.after(rng.exp(100), fire, id);
  };
  for (let i = 0; i < pending; i++) e.at(rng.exp(100), fire, i);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const n = e.run({ maxEvents: events });
  const wallMs = performance.now() - t0;
  const cu = process.cpuUsage(c0);
  const cpuMs = (cu.user + cu.system) / 1000;
  return {
    eventsPerS: Math.round(n / (wallMs / 1000)),
    // on a shared machine wall time includes waiting for a core; CPU time does not
    eventsPerCpuS: Math.round(n / (cpuMs / 1000)),
    events: n,
    pending,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
  };
}

const engine: Record<string, unknown>[] = [];
for (const pending of [1_000, 100_000]) {
  holdBench(pending, Math.min(200_000, eventsTarget)); // warm-up
  const r = holdBench(pending, eventsTarget);
  log(
    `hold model, ${pending} pending: ${(r.eventsPerS / 1e6).toFixed(2)} M events/s (${(r.eventsPerCpuS / 1e6).toFixed(2)} per CPU-second)`,
  );
  engine.push(r);
}

const replays: Record<string, unknown>[] = [];
for (const path of traces) {
  const t0 = performance.now();
  const w = await readSwfFile(path);
  const readMs = performance.now() - t0;
  log(`${path}: ${w.jobs.length} jobs, read in ${readMs.toFixed(0)} ms`);
  const perPolicy: Record<string, unknown> = {};
  for (const policy of ['easy', 'fcfs', 'sjf'] as BatchPolicy[]) {
    const times: number[] = [];
    let last: ReturnType<typeof replayTrace> | null = null;
    for (let i = 0; i < repeat; i++) {
      const t1 = performance.now();
      last = replayTrace(w, { policy });
      times.push(performance.now() - t1);
    }
    const r = last as ReturnType<typeof replayTrace>;
    perPolicy[policy] = {
      replayMsFirst: Math.round(times[0] as number),
      replayMsMedian: Math.round(median(times)),
      events: r.events,
      eventsPerS: Math.round(r.events / (median(times) / 1000)),
      avgWaitS: r.metrics.avgWaitS,
      avgBoundedSlowdown: r.metrics.avgBoundedSlowdown,
      utilization: r.metrics.utilization,
    };
    log(
      `  ${policy}: ${median(times).toFixed(0)} ms median of ${repeat} (first ${(times[0] as number).toFixed(0)} ms)`,
    );
  }
  const easy = perPolicy.easy as { replayMsFirst: number };
  replays.push({
    trace: path,
    jobs: w.jobs.length,
    machineNodes: w.machineNodes,
    readMs: Math.round(readMs),
    // read + a cold EASY replay: what `suanwang sim --policy easy` spends on the simulation
    readPlusEasyMs: Math.round(readMs + easy.replayMsFirst),
    ...perPolicy,
  });
}

const sdsc = replays.find((r) => String(r.trace).includes('SDSC-SP2')) as { readPlusEasyMs: number } | undefined;
process.stdout.write(
  `${JSON.stringify({
    bench: 'sim-swf',
    node: process.version,
    loadAverage1m: (await import('node:os')).loadavg()[0],
    engine,
    replays,
    target: {
      what: 'full SWF log with EASY ≤ 2000 ms (read + replay)',
      sdscReadPlusEasyMs: sdsc?.readPlusEasyMs ?? null,
      met: sdsc ? sdsc.readPlusEasyMs <= 2000 : null,
    },
  })}\n`,
);
