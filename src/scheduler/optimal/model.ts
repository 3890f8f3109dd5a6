/**
 * The HiGHS model, built straight from typed arrays (compressed sparse
 * columns). Not LP text: for 10k tasks × 100 sites the LP text took 21 s to
 * parse, these arrays 0.75 s (FACTS.md).
 *
 *   columns  u_t ∈ [0,1]  "task t unassigned", cost = unassignedCost; first, one
 *                         per task row (continuous: the task row makes it
 *                         integral once the x are)
 *            x_e ∈ {0,1}  one per candidate entry e = (task t, site s) in the
 *                         model, cost c_e; appended as pricing adds entries
 *   rows     Σ_e∈t x_e + u_t = 1                  one per task with a candidate
 *            Σ_e∈s demand_tr x_e ≤ capacity_sr    only where all the candidates'
 *                                                 demand together could exceed it
 */

import type { CandidateLists } from './candidates.js';
import { fits } from './capacity.js';
import type { AssignmentProblem } from './problem.js';

export interface CscMatrix {
  format: 'csc';
  numRows: number;
  numCols: number;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

export interface ColumnBlock {
  cost: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  matrix: CscMatrix;
}

export interface AssignmentModelArrays {
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  matrix: CscMatrix;
  /** 1 for x, 0 for u; absent for the LP relaxation (HiGHS keeps integrality otherwise). */
  integrality?: Int32Array;
}

export class ModelLayout {
  /** Row (= column of u_t) per task; -1 for tasks with no useful candidate. */
  readonly taskRow: Int32Array;
  readonly taskRows: number;
  /** Row per (site, resource); -1 where it cannot bind. */
  readonly capacityRow: Int32Array;
  readonly numRows: number;

  constructor(
    private readonly p: AssignmentProblem,
    private readonly lists: CandidateLists,
  ) {
    const T = p.taskCount;
    const R = p.resources.length;
    this.taskRow = new Int32Array(T).fill(-1);
    let rows = 0;
    for (let t = 0; t < T; t++) if (lists.start[t + 1]! > lists.start[t]!) this.taskRow[t] = rows++;
    this.taskRows = rows;
    // over ALL useful candidates, so a row exists for every entry pricing may add later
    const load = new Float64Array(p.siteCount * R);
    for (let e = 0; e < lists.site.length; e++) {
      const s = lists.site[e]!;
      const t = lists.taskOf[e]!;
      for (let r = 0; r < R; r++) load[s * R + r]! += p.demand[t * R + r]!;
    }
    this.capacityRow = new Int32Array(p.siteCount * R).fill(-1);
    for (let i = 0; i < load.length; i++) if (!fits(load[i]!, p.capacity[i]!)) this.capacityRow[i] = rows++;
    this.numRows = rows;
  }

  /** The x columns for `entries`, ready for `addCols` or the full model. */
  columns(entries: ArrayLike<number>): ColumnBlock {
    const { p, lists, capacityRow, taskRow } = this;
    const R = p.resources.length;
    const n = entries.length;
    let nnz = 0;
    for (let i = 0; i < n; i++) {
      const e = entries[i]!;
      const s = lists.site[e]!;
      const t = lists.taskOf[e]!;
      nnz++;
      for (let r = 0; r < R; r++) if (capacityRow[s * R + r]! >= 0 && p.demand[t * R + r]! > 0) nnz++;
    }
    const starts = new Int32Array(n + 1);
    const indices = new Int32Array(nnz);
    const values = new Float64Array(nnz);
    const cost = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const e = entries[i]!;
      const s = lists.site[e]!;
      const t = lists.taskOf[e]!;
      starts[i] = k;
      cost[i] = lists.cost[e]!;
      // ascending rows: the task row comes before every capacity row
      indices[k] = taskRow[t]!;
      values[k++] = 1;
      for (let r = 0; r < R; r++) {
        const row = capacityRow[s * R + r]!;
        const d = p.demand[t * R + r]!;
        if (row >= 0 && d > 0) {
          indices[k] = row;
          values[k++] = d;
        }
      }
    }
    starts[n] = k;
    return {
      cost,
      lower: new Float64Array(n),
      upper: new Float64Array(n).fill(1),
      matrix: { format: 'csc', numRows: this.numRows, numCols: n, starts, indices, values },
    };
  }

  /** u columns (0 .. taskRows-1) then x columns for `entries`, in that order. */
  modelData(entries: ArrayLike<number>, integral: boolean): AssignmentModelArrays {
    const U = this.taskRows;
    const x = this.columns(entries);
    const numCols = U + entries.length;
    const nnzX = x.matrix.starts[entries.length]!;
    const starts = new Int32Array(numCols + 1);
    const indices = new Int32Array(U + nnzX);
    const values = new Float64Array(U + nnzX);
    for (let u = 0; u < U; u++) {
      starts[u] = u;
      indices[u] = u;
      values[u] = 1;
    }
    for (let i = 0; i <= entries.length; i++) starts[U + i] = U + x.matrix.starts[i]!;
    indices.set(x.matrix.indices, U);
    values.set(x.matrix.values, U);
    const colCost = new Float64Array(numCols);
    colCost.fill(this.p.unassignedCost, 0, U);
    colCost.set(x.cost, U);

    const rowLower = new Float64Array(this.numRows).fill(Number.NEGATIVE_INFINITY);
    const rowUpper = new Float64Array(this.numRows);
    rowLower.fill(1, 0, U);
    rowUpper.fill(1, 0, U);
    for (let i = 0; i < this.capacityRow.length; i++) {
      const row = this.capacityRow[i]!;
      if (row >= 0) rowUpper[row] = this.p.capacity[i]!;
    }
    const data: AssignmentModelArrays = {
      numCols,
      numRows: this.numRows,
      colCost,
      colLower: new Float64Array(numCols),
      colUpper: new Float64Array(numCols).fill(1),
      rowLower,
      rowUpper,
      matrix: { format: 'csc', numRows: this.numRows, numCols, starts, indices, values },
    };
    if (integral) data.integrality = new Int32Array(numCols).fill(1, U);
    return data;
  }
}
