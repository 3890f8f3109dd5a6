/**
 * solveAssignment: the batch optimiser.
 *
 *  1. Drop useless candidates. Greedy (caller's order, regret order, and by
 *     capacity prices when known; then improving moves) gives the incumbent:
 *     whatever happens later, the answer is at least that good.
 *  2. Big batches first learn capacity prices from a sample (sample.ts).
 *  3. LP relaxation on the k best candidates per task (by cost, or by cost +
 *     capacity prices) plus the incumbent's, then price pruned candidates back
 *     in from the LP duals until none has a negative reduced cost (column
 *     generation): the LP is then exact for the full problem, and its duals
 *     give a bound valid for the full problem.
 *  4. relaxOnly: round the LP (repair). Otherwise the MIP on the generated
 *     columns, started from the best assignment so far.
 *
 * The assignment returned is always integral and capacity-feasible. Results
 * are deterministic for the same input when HiGHS finishes (single-threaded,
 * fixed seed); a run stopped by the time limit depends on machine speed.
 */
import type { Highs, InterruptCallbackEvent, Model } from 'highs';
import { DomainError } from '../../domain/errors.js';
import type { CandidateLists } from './candidates.js';
import { entriesToSites } from './greedy.js';
import { getHighs, isWasmAbort, releaseHighsIfNeeded } from './highs-runtime.js';
import { polishAssignment } from './local-search.js';
import { assertModelFits, estimateHeapBytes, WASM_STOP_BYTES } from './memory-guard.js';
import { priceCandidates } from './pricing.js';
import {
  type AssignmentProblem,
  type AssignmentResult,
  type AssignmentStatus,
  type FractionalAssignment,
  type SolveOptions,
  validateOptions,
  validateProblem,
} from './problem.js';
import { enforceCapacity, roundEntries } from './repair.js';
import { strideSample } from './sample.js';
import { SolveState } from './state.js';

/** HiGHS model status codes (highs.constants.modelStatus) we tell apart. */
const OPTIMAL = 7;
const INFEASIBLE = 8;
/** Objective bound/target, time, iterations, solution count, interrupt: stopped early, incumbent usable. */
const LIMIT_STATUSES = new Set([11, 12, 13, 14, 16, 17]);
const PRIMAL_FEASIBLE = 2;
/** The pricing loop may use this share of the remaining time when a MIP follows. */
const LP_SHARE_BEFORE_MIP = 0.85;
/** Entries priced in per task and round: rounds are cheap (warm-started simplex), bloated models are not. */
const PRICED_PER_TASK = 2;

/** Measurement only (reported as `seconds`, and to share the budget); decisions never read it. */
const nowS = () => performance.now() / 1000;

const gapOf = (objective: number, bound: number): number =>
  objective - bound <= 0 ? 0 : (objective - bound) / Math.max(Math.abs(objective), 1);

/**
 * Run to the wall-clock deadline. HiGHS's time_limit is cumulative per model,
 * so its clocks are zeroed first. For the MIP an interrupt callback also checks
 * the deadline and — the search tree grows with time — stops before the 2 GiB
 * WASM heap aborts, keeping the incumbent. (The LP's memory is known from its
 * size; a callback per simplex iteration cost ~3% in decoding event messages.)
 */
function runTimed(
  highs: Highs,
  model: Model,
  deadlineS: number,
  mip: boolean,
): { status: number; memoryStop: boolean } {
  model.zeroAllClocks();
  model.options.set('time_limit', Math.max(0.001, deadlineS - nowS()));
  let memoryStop = false;
  const stopIfDue = (event: InterruptCallbackEvent): undefined => {
    if (highs.memoryBytes > WASM_STOP_BYTES) {
      memoryStop = true;
      event.interrupt();
    } else if (nowS() > deadlineS) event.interrupt();
  };
  model.run(mip ? { [highs.constants.callbackType.mipInterrupt]: stopIfDue } : undefined);
  return { status: model.getModelStatus(), memoryStop };
}

const statusOf = (modelStatus: number): AssignmentStatus | undefined =>
  modelStatus === OPTIMAL ? 'optimal' : LIMIT_STATUSES.has(modelStatus) ? 'time-limit' : undefined;

/** Phase 2: LP on the model's columns, pricing candidates back in until none helps. */
function relaxAndPrice(highs: Highs, s: SolveState, deadlineS: number): void {
  const { p, lists, layout } = s;
  const data = layout.modelData(s.columns, false);
  assertModelFits(data.numCols, data.matrix.starts[data.numCols]!, false);
  const model = highs.createModel(data);
  try {
    model.options.set({ output_flag: false });
    for (;;) {
      const { status: modelStatus } = runTimed(highs, model, deadlineS, false);
      s.modelCols = layout.taskRows + s.columns.length;
      s.modelRows = layout.numRows;
      if (modelStatus !== OPTIMAL) {
        if (modelStatus === INFEASIBLE) {
          // cannot be (u = 1 is always feasible): numerical trouble, keep the incumbent
          s.status = 'infeasible';
          s.messages.push('HiGHS reported the LP infeasible');
          return;
        }
        if (!LIMIT_STATUSES.has(modelStatus)) throw new Error(`HiGHS LP stopped with model status ${modelStatus}`);
        s.status = 'time-limit';
        s.messages.push('the LP relaxation ran out of its time budget');
        return;
      }
      const sol = model.getSolution();
      const value = new Float64Array(lists.site.length);
      for (let i = 0; i < s.columns.length; i++) value[s.columns[i]!] = sol.colValue[layout.taskRows + i]!;
      const lpObjective = model.getObjectiveValue();
      const priced = priceCandidates(p, lists, layout, sol.rowDual, s.inModel, PRICED_PER_TASK);
      s.raiseFullBound(priced.lagrangianBound, 'lagrangian');
      s.capacityPrices = priced.mu;
      s.pricingConverged = priced.add.length === 0;
      // the restricted LP bounds the restricted problem; once nothing prices in, the full one
      if (s.pricingConverged) s.raiseFullBound(lpObjective, 'lp-relaxation');
      else s.setModelBound(lpObjective, 'lp-relaxation');
      s.relaxation = relaxationOf(lists, s.columns, value);
      s.offer(roundEntries(p, lists, value));
      if (s.pricingConverged || s.pricingRounds >= s.o.pricingRounds || nowS() >= deadlineS) return;
      const added = layout.columns(priced.add);
      const nonzeros = model.getDimensions().numNonzeros + added.matrix.starts[priced.add.length]!;
      if (estimateHeapBytes(s.modelCols + priced.add.length, nonzeros, false) > WASM_STOP_BYTES) {
        s.messages.push('pricing stopped: the model would outgrow the WASM heap');
        return;
      }
      model.addCols(added);
      s.addColumns(priced.add);
      s.pricingRounds++;
    }
  } finally {
    model.dispose();
  }
}

/** Phase 3: the MIP on the generated columns, from the best assignment so far. */
function solveMip(highs: Highs, s: SolveState, deadlineS: number): void {
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

/** Batches above this many tasks first learn capacity prices from a sample (sample.ts). */
const SAMPLE_ABOVE_TASKS = 1500;
/**
 * About this many tasks in the sample: its LP with pricing takes ~1 s warm, and
 * on 10k × 100 its prices were as good as a 2,500-task sample's (final gap
 * 0.34% vs 0.24%) for a third of the time.
 */
const SAMPLE_TASKS = 800;
/** Share of the remaining time the sample may use. */
const SAMPLE_SHARE = 0.3;

type Options = Required<Omit<SolveOptions, 'capacityPrices'>>;

export async function solveAssignment(p: AssignmentProblem, opts: SolveOptions = {}): Promise<AssignmentResult> {
  const t0 = nowS();
  validateProblem(p);
  const { capacityPrices, ...o } = validateOptions(opts, p);
  return solveWithin(p, o, t0, t0 + o.timeLimitS, capacityPrices, true);
}

async function solveWithin(
  p: AssignmentProblem,
  o: Options,
  t0: number,
  deadlineS: number,
  prices: Float64Array | undefined,
  /** false for a sample: only its prices are used, so its answer needs no finishing. */
  final: boolean,
): Promise<AssignmentResult> {
  let learned = prices;
  if (!learned && o.pricingRounds > 0 && p.taskCount > SAMPLE_ABOVE_TASKS) {
    const sampleDeadlineS = nowS() + SAMPLE_SHARE * (deadlineS - nowS());
    const sample = await solveWithin(
      strideSample(p, Math.ceil(p.taskCount / SAMPLE_TASKS)),
      { ...o, relaxOnly: true },
      t0,
      sampleDeadlineS,
      undefined,
      false,
    );
    learned = sample.capacityPrices;
  }
  const s = new SolveState(p, o, learned);

  // HiGHS has nothing to add when greedy gave every task its cheapest useful candidate
  if (s.bestObjective > s.fullBound.value) {
    const highs = await getHighs();
    let aborted = false;
    try {
      if (o.relaxOnly) relaxAndPrice(highs, s, deadlineS);
      else {
        // big batches need most of the time for the LP; small ones leave it to the MIP anyway
        if (o.pricingRounds > 0) relaxAndPrice(highs, s, nowS() + LP_SHARE_BEFORE_MIP * (deadlineS - nowS()));
        if (nowS() < deadlineS) solveMip(highs, s, deadlineS);
        else s.status = 'time-limit';
      }
    } catch (err) {
      if (err instanceof DomainError) throw err; // the model-size refusal is the caller's to handle
      aborted = isWasmAbort(err);
      s.status = 'error';
      s.messages.push(`HiGHS failed (${err instanceof Error ? err.message : String(err)}); best assignment so far`);
    } finally {
      releaseHighsIfNeeded(highs, aborted);
    }
  }

  if (final && s.bestObjective > s.fullBound.value) {
    const polished = s.best.slice();
    polishAssignment(p, s.lists, polished);
    s.offer(polished);
  }

  const objective = s.bestObjective;
  const bound = s.bound;
  // a bound above the objective is tolerance noise: clamp, so the gap never goes negative
  const lowerBound = Math.min(bound.value, objective);
  let unassigned = 0;
  for (let t = 0; t < p.taskCount; t++) if (s.best[t]! < 0) unassigned++;
  const result: AssignmentResult = {
    status: s.status,
    assignment: entriesToSites(s.lists, s.best),
    objective,
    lowerBound,
    lowerBoundScope: bound.scope,
    lowerBoundSource: bound.source,
    fullLowerBound: Math.min(s.fullBound.value, lowerBound),
    mipGap: gapOf(objective, lowerBound),
    seconds: nowS() - t0,
    variables: s.modelCols,
    constraints: s.modelRows,
    unassigned,
    droppedUseless: s.lists.droppedUseless,
    droppedByK: s.modelCols > 0 ? s.lists.site.length - s.columns.length : 0,
    pricingRounds: s.pricingRounds,
    pricingConverged: s.pricingConverged,
  };
  if (s.capacityPrices) result.capacityPrices = s.capacityPrices;
  if (s.relaxation && o.relaxOnly) result.relaxation = s.relaxation;
  if (s.messages.length > 0) result.message = s.messages.join('; ');
  return result;
}
