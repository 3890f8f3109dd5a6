/**
 * V8 settings for a process that runs the scheduler core. V8 reads them at start-up only: the
 * package's `demo` and `start` scripts pass them to Node, and a process that simulates or benchmarks
 * starts itself again once with them.
 *
 * - `--max-semi-space-size=64`: the core makes short-lived objects by the million and keeps every held
 *   placement; a 64 MB young generation (V8's default is 16 MB) lets far fewer of them be copied into
 *   the old one (−14% run time on 300,000 simulated national tasks, +8% greedy decisions/s in
 *   `bench/scheduler.ts`).
 * - `--min-semi-space-size=64`: that young generation from the start. Grown on demand, each step maps
 *   fresh pages, and on this VM a first touch of a page costs ~7 µs in the kernel: 14,000 fewer page
 *   faults in 100,000 greedy decisions (55k → 41k; their system time had been a sixth of their CPU
 *   time), +5.8% greedy decisions/s in a pinned A/B.
 * - `--no-lazy-feedback-allocation`: type feedback from a function's first call, not its ninth, so
 *   code that runs a few thousand times (building a task class's plan) is optimised sooner: +5–8%
 *   greedy decisions/s in `bench/scheduler.ts`, no change on a long simulation.
 */
import { spawnSync } from 'node:child_process';

export const SCHEDULER_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=64',
  '--min-semi-space-size=64',
  '--no-lazy-feedback-allocation',
];

const flagName = (f: string) => f.split('=')[0]!;

/** Which of SCHEDULER_NODE_FLAGS this process runs with, as given (benchmarks print them). */
export function schedulerFlagsOf(execArgv: readonly string[] = process.execArgv): string[] {
  const names = SCHEDULER_NODE_FLAGS.map(flagName);
  return execArgv.filter((a) => names.includes(flagName(a)));
}

/**
 * Unless this process already runs with the flags: run `script args` in a new Node with this
 * process's own flags (loaders included) plus SCHEDULER_NODE_FLAGS, and exit with its status.
 * For batch commands only (a server started this way would not see signals sent to this process).
 */
export function rerunWithSchedulerFlags(script: string, args: readonly string[]): void {
  const given = schedulerFlagsOf().map(flagName);
  const missing = SCHEDULER_NODE_FLAGS.filter((f) => !given.includes(flagName(f)));
  if (missing.length === 0) return;
  const r = spawnSync(process.execPath, [...process.execArgv, ...missing, script, ...args], {
    stdio: 'inherit',
  });
  if (r.error) throw r.error;
  process.exit(r.status ?? 1);
}
