/**
 * The MIP phase: HiGHS branch-and-cut on the generated columns, started from
 * the best assignment so far (so it can only improve on it), its incumbent
 * checked against capacity before it is accepted.
 */
import type { Highs } from 'highs';
import { INFEASIBLE, PRIMAL_FEASIBLE, runTimed, statusOf } from './highs-run.js';
import { assertModelFits } from './memory-guard.js';
import { enforceCapacity } from './repair.js';
import type { SolveState } from './state.js';

export function solveMip(highs: Highs, s: SolveState, deadlineS: number): void {
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
  const model = highs.createModel(data);
  try {
    model.options.set({ output_flag: false, mip_rel_gap: s.o.mipGap });
    model.setSolution({ colValue: s.startVector(s.best, columnOf) });
    const { status: modelStatus, memoryStop } = runTimed(highs, model, deadlineS, true);
    if (modelStatus === INFEASIBLE) {
      s.status = 'infeasible';
      s.messages.push('HiGHS reported the MIP infeasible');
      return;
    }
    const status = statusOf(modelStatus);
    if (!status) throw new Error(`HiGHS MIP stopped with model status ${modelStatus}`);
    s.status = status;
    if (memoryStop) s.messages.push('MIP stopped early: the WASM heap neared its 2 GiB cap');
    else if (status === 'time-limit') s.messages.push('time limit reached in the MIP; best incumbent returned');
    if (Number(model.info.get('primal_solution_status')) === PRIMAL_FEASIBLE) {
      const x = model.getSolution().colValue;
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
    const dualBound = Number(model.info.get('mip_dual_bound'));
    if (Number.isFinite(dualBound)) s.setModelBound(dualBound, 'mip-dual-bound');
  } finally {
    model.dispose();
  }
}
