/**
 * The scheduler core makes short-lived objects by the million and keeps every held placement: a 64 MB
 * young generation (V8's default is 16 MB) lets far fewer of them be copied into the old one (−14% run
 * time on 300,000 simulated national tasks, +8% greedy decisions/s in `bench/scheduler.ts`). V8 reads
 * the size at start-up only: the package's `demo` and `start` scripts pass it to Node, and a process
 * that simulates or benchmarks starts itself again once with it.
 */
import { spawnSync } from 'node:child_process';

export const SCHEDULER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/**
 * Unless this process already runs with the flags: run `script args` in a new Node with this
 * process's own flags (loaders included) plus SCHEDULER_NODE_FLAGS, and exit with its status.
 * For batch commands only (a server started this way would not see signals sent to this process).
 */
export function rerunWithSchedulerFlags(script: string, args: readonly string[]): void {
  if (process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) return;
  const r = spawnSync(process.execPath, [...process.execArgv, ...SCHEDULER_NODE_FLAGS, script, ...args], {
    stdio: 'inherit',
  });
  if (r.error) throw r.error;
  process.exit(r.status ?? 1);
}
