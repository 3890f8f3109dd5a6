/**
 * solveAssignment: the batch optimiser.
 *
 *  1. Drop useless candidates; greedy (regret order + improving moves) gives an
 *     incumbent, so whatever happens later the answer is at least that good.
 *  2. LP relaxation on the k cheapest candidates per task (+ the incumbent's),
 *     then price pruned candidates back in from the LP duals until none has a
 *     negative reduced cost (column generation): the LP is then exact for the
 *     full problem, and its duals give a bound valid for the full problem.
 *  3. relaxOnly: round the LP (repair). Otherwise the MIP on the generated
 *     columns, started from the better of greedy and the rounded LP.
 *
 * The assignment returned is always integral and capacity-feasible. Results
 * are deterministic for the same input when HiGHS finishes (single-threaded,
 * fixed seed); a run stopped by the time limit depends on machine speed.
 */
import type { Highs, Model } from 'highs';
import { DomainError } from '../../domain/errors.js';
import { type CandidateLists, initialColumns, usefulCandidates } from './candidates.js';
import { CapacityLedger } from './capacity.js';
import { entriesToSites, greedyFill, improveByMoves, regretOrder } from './greedy.js';
import { getHighs, isWasmAbort, releaseHighsIfNeeded } from './highs-runtime.js';
import { assertModelFits, WASM_STOP_BYTES } from './memory-guard.js';
import { ModelLayout } from './model.js';
import { priceCandidates } from './pricing.js';
import {
  type AssignmentProblem,
  type AssignmentResult,
  type AssignmentStatus,
  type BoundScope,
  type BoundSource,
  type FractionalAssignment,
  type SolveOptions,
  validateOptions,
  validateProblem,
} from './problem.js';
import { enforceCapacity, roundEntries } from './repair.js';

/** HiGHS model status codes (highs.constants.modelStatus) we tell apart. */
const OPTIMAL = 7;
const INFEASIBLE = 8;
/** Objective bound/target, time, iterations, solution count, interrupt: stopped early, incumbent usable. */
const LIMIT_STATUSES = new Set([11, 12, 13, 14, 16, 17]);
const PRIMAL_FEASIBLE = 2;
/** The pricing loop may use this share of the budget when a MIP follows. */
const LP_SHARE_BEFORE_MIP = 0.5;
/** Entries priced in per task and round: rounds are cheap (warm-started simplex), bloated models are not. */
const PRICED_PER_TASK = 2;

/** Measurement only (reported as `seconds`, and to share the budget); decisions never read it. */
const nowS = () => performance.now() / 1000;

const gapOf = (objective: number, bound: number): number =>
  objective - bound <= 0 ? 0 : (objective - bound) / Math.max(Math.abs(objective), 1);

interface Bound {
  value: number;
  scope: BoundScope;
  source: BoundSource;
}

/** Everything one call works on; the phases below fill it in. */
class Solve {
  readonly lists: CandidateLists;
  readonly layout: ModelLayout;
  /** Entries in the model, in column order after the u columns. */
  readonly columns: number[];
  readonly inModel: Uint8Array;
  best: Int32Array;
  bestObjective: number;
  status: AssignmentStatus = 'optimal';
  fullBound: Bound;
  modelBound: Bound | undefined;
  messages: string[] = [];
  pricingRounds = 0;
  pricingConverged = false;
  relaxation: FractionalAssignment | undefined;
  modelCols = 0;
  modelRows = 0;

  constructor(
    readonly p: AssignmentProblem,
    readonly o: Required<SolveOptions>,
    readonly t0: number,
  ) {
    this.lists = usefulCandidates(p);
    this.layout = new ModelLayout(p, this.lists);
    this.best = this.greedyStart();
    this.bestObjective = this.objectiveOf(this.best);
    this.fullBound = { value: this.cheapestBound(), scope: 'full', source: 'cheapest-candidate' };
    this.columns = Array.from(initialColumns(this.lists, o.kBest, this.best));
    this.inModel = new Uint8Array(this.lists.site.length);
    for (const e of this.columns) this.inModel[e] = 1;
  }

  get deadlineS(): number {
    return this.t0 + this.o.timeLimitS;
  }

  objectiveOf(entryOf: Int32Array): number {
    let obj = 0;
    const { lists, p } = this;
    for (let t = 0; t < entryOf.length; t++) obj += entryOf[t]! >= 0 ? lists.cost[entryOf[t]!]! : p.unassignedCost;
    return obj;
  }

  /** Keep `entryOf` if it beats the best so far (ties keep the earlier one). */
  offer(entryOf: Int32Array): void {
    const obj = this.objectiveOf(entryOf);
    if (obj < this.bestObjective) {
      this.best = entryOf;
      this.bestObjective = obj;
    }
  }

  /** Grow the model; a bound for the smaller model no longer holds. */
  addColumns(entries: ArrayLike<number>): void {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (this.inModel[e]) continue;
      this.columns.push(e);
      this.inModel[e] = 1;
    }
    this.modelBound = undefined;
  }

  /** A bound valid for the full problem: it holds for every model we build later, too. */
  raiseFullBound(value: number, source: BoundSource): void {
    if (value > this.fullBound.value) this.fullBound = { value, scope: 'full', source };
  }

  /**
   * A bound for the current model only. Adding columns invalidates it (the model
   * can then do better), so it replaces the previous one rather than rising.
   */
  setModelBound(value: number, source: BoundSource): void {
    if (this.modelIsFull) this.raiseFullBound(value, source);
    else this.modelBound = { value, scope: 'pruned', source };
  }

  /** The best bound for the answer's model; on a tie the one valid for the full problem. */
  get bound(): Bound {
    const m = this.modelBound;
    return m && m.value > this.fullBound.value ? m : this.fullBound;
  }

  private greedyStart(): Int32Array {
    const entryOf = new Int32Array(this.p.taskCount).fill(-1);
    const ledger = new CapacityLedger(this.p);
    greedyFill(this.p, this.lists, ledger, entryOf, regretOrder(this.p, this.lists));
    improveByMoves(this.p, this.lists, ledger, entryOf);
    return entryOf;
  }

  /** Σ per task of its cheapest useful candidate or the penalty: capacity can only make it worse. */
  private cheapestBound(): number {
    const { p, lists } = this;
    let bound = 0;
    for (let t = 0; t < p.taskCount; t++) {
      const a = lists.start[t]!;
      bound += lists.start[t + 1]! > a ? lists.cost[a]! : p.unassignedCost;
    }
    return bound;
  }

  /** The model's columns cover every useful candidate: its bounds hold for the full problem. */
  get modelIsFull(): boolean {
    return this.columns.length === this.lists.site.length;
  }

  /** Dense start vector (u columns first) for the MIP. */
  startVector(entryOf: Int32Array, columnOf: Map<number, number>): Float64Array {
    const x = new Float64Array(this.layout.taskRows + this.columns.length);
    for (let t = 0; t < this.p.taskCount; t++) {
      const row = this.layout.taskRow[t]!;
      if (row < 0) continue;
      const e = entryOf[t]!;
      if (e >= 0) x[this.layout.taskRows + columnOf.get(e)!] = 1;
      else x[row] = 1;
    }
    return x;
  }
}

function runTimed(model: Model, deadlineS: number, callbacks?: Parameters<Model['run']>[0]): number {
  model.zeroAllClocks(); // HiGHS's time_limit is cumulative per model; ours is wall-clock for the call
  model.options.set('time_limit', Math.max(0.001, deadlineS - nowS()));
  model.run(callbacks);
  return model.getModelStatus();
}

const statusOf = (modelStatus: number): AssignmentStatus | undefined =>
  modelStatus === OPTIMAL ? 'optimal' : LIMIT_STATUSES.has(modelStatus) ? 'time-limit' : undefined;

/** Phase 2: LP on the model's columns, pricing candidates back in until none helps. */
function relaxAndPrice(highs: Highs, s: Solve, deadlineS: number): void {
  const { p, lists, layout } = s;
  const data = layout.modelData(s.columns, false);
  assertModelFits(data.numCols, data.matrix.starts[data.numCols]!, false);
  const model = highs.createModel(data);
  try {
    model.options.set({ output_flag: false });
    for (;;) {
      const modelStatus = runTimed(model, deadlineS);
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
      s.raiseFullBound(priced.lagrangianBound, 'lp-relaxation');
      s.pricingConverged = priced.add.length === 0;
      // the restricted LP bounds the restricted problem; once nothing prices in, the full one
      if (s.pricingConverged) s.raiseFullBound(lpObjective, 'lp-relaxation');
      else s.setModelBound(lpObjective, 'lp-relaxation');
      s.relaxation = relaxationOf(lists, s.columns, value);
      s.offer(roundEntries(p, lists, value));
      if (s.pricingConverged || s.pricingRounds >= s.o.pricingRounds || nowS() >= deadlineS) return;
      model.addCols(layout.columns(priced.add));
      s.addColumns(priced.add);
      s.pricingRounds++;
    }
  } finally {
    model.dispose();
  }
}

/** Phase 3: the MIP on the generated columns, from the best assignment so far. */
function solveMip(highs: Highs, s: Solve): void {
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
  let memoryStop = false;
  try {
    model.options.set({ output_flag: false, mip_rel_gap: s.o.mipGap });
    model.setSolution({ colValue: s.startVector(s.best, columnOf) });
    const modelStatus = runTimed(model, s.deadlineS, {
      // the MIP tree grows with time; stop before the 2 GiB WASM heap aborts, keeping the incumbent
      [highs.constants.callbackType.mipInterrupt](event) {
        if (highs.memoryBytes > WASM_STOP_BYTES) {
          memoryStop = true;
          event.interrupt();
        }
      },
    });
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

export async function solveAssignment(p: AssignmentProblem, opts: SolveOptions = {}): Promise<AssignmentResult> {
  const t0 = nowS();
  validateProblem(p);
  const o = validateOptions(opts);
  const s = new Solve(p, o, t0);

  // HiGHS has nothing to add when greedy gave every task its cheapest useful candidate
  if (s.bestObjective > s.fullBound.value) {
    const highs = await getHighs();
    let aborted = false;
    try {
      if (o.relaxOnly) relaxAndPrice(highs, s, s.deadlineS);
      else {
        if (o.pricingRounds > 0) relaxAndPrice(highs, s, t0 + o.timeLimitS * LP_SHARE_BEFORE_MIP);
        if (nowS() < s.deadlineS) solveMip(highs, s);
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

  const objective = s.bestObjective;
  // a bound above the objective is tolerance noise: clamp, so the gap never goes negative
  const bound = s.bound;
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
  if (s.relaxation && o.relaxOnly) result.relaxation = s.relaxation;
  if (s.messages.length > 0) result.message = s.messages.join('; ');
  return result;
}
