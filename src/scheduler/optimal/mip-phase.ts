/**
 * The MIP phase: HiGHS branch-and-cut on the generated columns, started from
 * the best assignment so far (so it can only improve on it), in HiGHS's
 * thread, which is stopped at the deadline (highs-thread.ts); its incumbent is
 * checked against capacity before it is accepted.
 */
import { INFEASIBLE, statusOf } from './highs-run.js';
import type { HighsThread } from './highs-thread.js';
import { assertModelFits, WASM_STOP_BYTES } from './memory-guard.js';
import { enforceCapacity } from './repair.js';
import type { SolveState } from './state.js';

export async function solveMip(highs: HighsThread, s: SolveState, deadlineS: number): Promise<void> {
  const { p, lists, layout } = s;
  // the start must be a point of the model: its entries join the columns
  const missing = Array.from(s.best).filter((e) => e >= 0 && !s.inModel[e]);
  if (missing.length > 0) s.addColumns(missing);
  const columnOf = new Map<number, number>();
  for (let i = 0; i < s.columns.length; i++) columnOf.set(s.columns[i]!, i);
  const data = layout.modelData(s.columns, true);
  assertModelFits(data.numCols, data.matrix.starts[data.numCols]!, true);
  s.modelCols = data.numCols;
  s.modelRows = data.numRows;
  const out = await highs.mip({
    model: data,
    options: { output_flag: false, mip_rel_gap: s.o.mipGap },
    start: s.startVector(s.best, columnOf),
    deadlineS,
    stopBytes: WASM_STOP_BYTES,
  });
  if (out.modelStatus === INFEASIBLE) {
    s.status = 'infeasible';
    s.messages.push('HiGHS reported the MIP infeasible');
    return;
  }
  // stopped at the deadline by its caller: as good as HiGHS's own time limit
  const status = out.modelStatus === undefined ? 'time-limit' : statusOf(out.modelStatus);
  if (!status) throw new Error(`HiGHS MIP stopped with model status ${out.modelStatus}`);
  s.status = status;
  if (out.memoryStop) s.messages.push('MIP stopped early: the WASM heap neared its 2 GiB cap');
  else if (out.modelStatus === undefined) s.messages.push('MIP stopped at the time limit; best incumbent returned');
  else if (status === 'time-limit') s.messages.push('time limit reached in the MIP; best incumbent returned');
  const x = out.colValue;
  if (x && x.length === data.numCols) {
    const entryOf = new Int32Array(p.taskCount).fill(-1);
    const top = new Float64Array(p.taskCount).fill(0.5); // x is 0/1 up to tolerance
    for (let i = 0; i < s.columns.length; i++) {
      const e = s.columns[i]!;
      const t = lists.taskOf[e]!;
      const v = x[layout.taskRows + i]!;
      if (v > top[t]!) {
        top[t] = v;
        entryOf[t] = e;
      }
    }
    const evicted = enforceCapacity(p, lists, entryOf);
    if (evicted > 0) s.messages.push(`${evicted} task(s) moved off sites HiGHS overfilled within its tolerance`);
    s.offer(entryOf);
  }
  if (Number.isFinite(out.dualBound)) s.setModelBound(out.dualBound, 'mip-dual-bound');
}
