/**
 * The state of one solve: candidate lists, the model's columns, the best
 * assignment so far, and the bounds — with the rules for when a bound holds.
 */

import { type CandidateLists, initialColumns, usefulCandidates } from './candidates.js';
import { CapacityLedger } from './capacity.js';
import { greedyFill, pricedGreedy, regretOrder } from './greedy.js';
import { improveByMoves } from './local-search.js';
import { ModelLayout } from './model.js';
import { lagrangianBound, pricedCosts, sanitisePrices } from './pricing.js';
import type {
  AssignmentProblem,
  AssignmentStatus,
  BoundScope,
  BoundSource,
  FractionalAssignment,
  SolveOptions,
} from './problem.js';

export interface Bound {
  value: number;
  scope: BoundScope;
  source: BoundSource;
}

export class SolveState {
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
  /** Capacity prices per (site, resource): from the last LP, or the ones the columns were ranked by. */
  capacityPrices: Float64Array | undefined;
  modelCols = 0;
  modelRows = 0;

  constructor(
    readonly p: AssignmentProblem,
    readonly o: Required<Omit<SolveOptions, 'capacityPrices'>>,
    prices: Float64Array | undefined,
  ) {
    this.lists = usefulCandidates(p);
    this.layout = new ModelLayout(p, this.lists);
    this.fullBound = { value: this.cheapestBound(), scope: 'full', source: 'cheapest-candidate' };
    this.best = this.inOrderGreedy();
    this.bestObjective = this.objectiveOf(this.best);
    this.offer(this.regretGreedy());
    const mu = prices ? sanitisePrices(p, prices) : undefined;
    const priced = mu ? pricedCosts(p, this.lists, mu) : undefined;
    if (mu && priced) {
      this.offer(pricedGreedy(p, this.lists, priced, o.kPriced));
      // any prices give a bound for the full problem; good ones (a sample's) a tight one
      this.raiseFullBound(lagrangianBound(p, this.lists, priced, mu), 'lagrangian');
    }
    this.capacityPrices = mu;
    this.columns = Array.from(initialColumns(this.lists, priced ? o.kPriced : o.kBest, this.best, priced));
    this.inModel = new Uint8Array(this.lists.site.length);
    for (const e of this.columns) this.inModel[e] = 1;
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

  /** A bound valid for the full problem: it holds for every model built later, too. */
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

  /** The model's columns cover every useful candidate: its bounds hold for the full problem. */
  get modelIsFull(): boolean {
    return this.columns.length === this.lists.site.length;
  }

  /** Dense start vector (u columns first) for the MIP; `entryOf` must use model columns only. */
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

  /** The caller's order is its priority: the baseline, and often the best packer of mixed batches. */
  private inOrderGreedy(): Int32Array {
    const order = Int32Array.from({ length: this.p.taskCount }, (_, t) => t);
    return this.fillAndImprove(order);
  }

  private regretGreedy(): Int32Array {
    return this.fillAndImprove(regretOrder(this.p, this.lists));
  }

  private fillAndImprove(order: Int32Array): Int32Array {
    const entryOf = new Int32Array(this.p.taskCount).fill(-1);
    const ledger = new CapacityLedger(this.p);
    greedyFill(this.p, this.lists, ledger, entryOf, order);
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
}
