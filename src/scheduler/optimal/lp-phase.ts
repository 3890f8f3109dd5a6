/**
 * The LP phase: the relaxation on the model's columns, pricing pruned
 * candidates back in from its duals until none has a negative reduced cost.
 * Each round also rounds the LP into an assignment, so running out of time
 * mid-way still leaves the best rounding so far.
 */
import type { CandidateLists } from './candidates.js';
import { INFEASIBLE, LIMIT_STATUSES, nowS, OPTIMAL } from './highs-run.js';
import type { HighsThread } from './highs-thread.js';
import { assertModelFits, estimateHeapBytes, WASM_STOP_BYTES } from './memory-guard.js';
import { priceCandidates } from './pricing.js';
import type { FractionalAssignment } from './problem.js';
import { roundEntries } from './repair.js';
import type { SolveState } from './state.js';

/** Entries priced in per task and round: rounds are cheap (warm-started simplex), bloated models are not. */
const PRICED_PER_TASK = 2;

export async function relaxAndPrice(highs: HighsThread, s: SolveState, deadlineS: number): Promise<void> {
  const { p, lists, layout } = s;
  const data = layout.modelData(s.columns, false);
  assertModelFits(data.numCols, data.matrix.starts[data.numCols]!, false);
  await highs.loadLp(data);
  try {
    for (;;) {
      const round = await highs.runLp(deadlineS);
      s.modelCols = layout.taskRows + s.columns.length;
      s.modelRows = layout.numRows;
      if (round.modelStatus !== OPTIMAL || !round.colValue || !round.rowDual) {
        if (round.modelStatus === INFEASIBLE) {
          // cannot be (u = 1 is always feasible): numerical trouble, keep the incumbent
          s.status = 'infeasible';
          s.messages.push('HiGHS reported the LP infeasible');
          return;
        }
        if (!LIMIT_STATUSES.has(round.modelStatus))
          throw new Error(`HiGHS LP stopped with model status ${round.modelStatus}`);
        s.status = 'time-limit';
        s.messages.push('the LP relaxation ran out of its time budget');
        return;
      }
      const value = new Float64Array(lists.site.length);
      for (let i = 0; i < s.columns.length; i++) value[s.columns[i]!] = round.colValue[layout.taskRows + i]!;
      const priced = priceCandidates(p, lists, layout, round.rowDual, s.inModel, PRICED_PER_TASK);
      s.raiseFullBound(priced.lagrangianBound, 'lagrangian');
      s.capacityPrices = priced.mu;
      s.pricingConverged = priced.add.length === 0;
      // the restricted LP bounds the restricted problem; once nothing prices in, the full one
      if (s.pricingConverged) s.raiseFullBound(round.objective, 'lp-relaxation');
      else s.setModelBound(round.objective, 'lp-relaxation');
      s.relaxation = relaxationOf(lists, s.columns, value);
      s.offer(roundEntries(p, lists, value));
      if (s.pricingConverged || s.pricingRounds >= s.o.pricingRounds || nowS() >= deadlineS) return;
      const added = layout.columns(priced.add);
      const nonzeros = round.numNonzeros + added.matrix.starts[priced.add.length]!;
      if (estimateHeapBytes(s.modelCols + priced.add.length, nonzeros, false) > WASM_STOP_BYTES) {
        s.messages.push('pricing stopped: the model would outgrow the WASM heap');
        return;
      }
      await highs.addCols(added);
      s.addColumns(priced.add);
      s.pricingRounds++;
    }
  } finally {
    await highs.endLp();
  }
}

function relaxationOf(lists: CandidateLists, columns: number[], value: Float64Array): FractionalAssignment {
  const T = lists.start.length - 1;
  const sites: number[][] = Array.from({ length: T }, () => []);
  const values: number[][] = Array.from({ length: T }, () => []);
  const sorted = columns.filter((e) => value[e]! > 1e-9).sort((a, b) => a - b);
  for (const e of sorted) {
    const t = lists.taskOf[e]!;
    sites[t]!.push(lists.site[e]!);
    values[t]!.push(Math.min(1, value[e]!));
  }
  return sites.map((site, t) => ({ site: Int32Array.from(site), value: Float64Array.from(values[t]!) }));
}
