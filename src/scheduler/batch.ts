/**
 * A batch of tasks as the assignment problem HiGHS solves (src/scheduler/optimal):
 * per task its candidate sites with the cost of the best start there (the
 * static objective, the same numbers the greedy walk uses), per site the
 * capacity free over the whole batch window.
 *
 * Two simplifications, both settled when the result is booked (exactly, with
 * the greedy walk for whatever does not fit):
 * - every task of a batch is treated as running at once, over the window —
 *   conservative: assignments that fit the model fit the book;
 * - a site's GPU pools that candidates could use count as one pool of their
 *   sum — exact for one pool per site (every shipped site), a relaxation for
 *   several (a task's GPUs must come from one pool).
 */
import type { Task } from '../domain/task.js';
import type { CapacityView } from './capacity.js';
import { weightedStatic } from './objective.js';
import type { AssignmentProblem } from './optimal/index.js';
import type { Weighting } from './plan.js';
import type { TaskEnv } from './plugins/types.js';
import { type SiteTable, STATUS_UP } from './site-table.js';

export const BATCH_RESOURCES = ['cpuCores', 'memoryGb', 'hpcNodes', 'storageTb', 'gpus'] as const;

export interface BatchItem {
  task: Task;
  env: TaskEnv;
  starts: readonly number[];
}

/** Per task and candidate site (parallel to problem.candidates): the pool and start that gave the cost. */
export interface BatchChoices {
  pool: Int16Array[];
  startS: Float64Array[];
}

export interface Batch {
  problem: AssignmentProblem;
  choices: BatchChoices;
  /** Table site index of each problem site. */
  siteOfColumn: Int32Array;
}

/** Every cost is a weighted sum of parts in [0,1], so Σweights + 1 beats any placement: place first, then optimise. */
export const unassignedCostOf = (w: Weighting): number => 1 + w.weightSum;

export function buildBatch(
  items: readonly BatchItem[],
  table: SiteTable,
  capacity: CapacityView,
  capIndex: Int32Array,
  w: Weighting,
): Batch {
  const R = BATCH_RESOURCES.length;
  const T = items.length;
  // columns: the sites some task can use, in table order
  const used = new Uint8Array(table.n);
  const poolsUsed: Set<number>[] = Array.from({ length: table.n }, () => new Set<number>());
  const perTask: { site: number[]; cost: number[]; pool: number[]; start: number[] }[] = [];
  let fromS = Number.POSITIVE_INFINITY;
  let toS = Number.NEGATIVE_INFINITY;
  for (const it of items) {
    const { env, starts } = it;
    const plan = env.plan;
    const best = new Map<number, { cost: number; pool: number; start: number }>();
    for (let c = 0; c < plan.n; c++) {
      const s = plan.site[c]!;
      if (table.status[s] !== STATUS_UP) continue;
      for (const st of starts) {
        const cost = weightedStatic(env, c, st, w);
        const prev = best.get(s);
        const pool = plan.pool[c]!;
        // equal costs: the lower pool, then the earlier start (whatever the plan's numbering of its candidates)
        if (
          !prev ||
          cost < prev.cost ||
          (cost === prev.cost && (pool < prev.pool || (pool === prev.pool && st < prev.start)))
        )
          best.set(s, { cost, pool, start: st });
      }
    }
    const sites = [...best.keys()].sort((a, b) => a - b);
    const entry = { site: [] as number[], cost: [] as number[], pool: [] as number[], start: [] as number[] };
    for (const s of sites) {
      const b = best.get(s)!;
      entry.site.push(s);
      entry.cost.push(b.cost);
      entry.pool.push(b.pool);
      entry.start.push(b.start);
      used[s] = 1;
    }
    // a site's GPUs count as one pool of every pool some candidate could use (see the module comment)
    for (let c = 0; c < plan.n; c++)
      if (plan.pool[c]! >= 0 && best.has(plan.site[c]!)) poolsUsed[plan.site[c]!]!.add(plan.pool[c]!);
    perTask.push(entry);
    fromS = Math.min(fromS, starts[0]!);
    toS = Math.max(toS, starts[starts.length - 1]! + env.durationS);
  }
  const columns: number[] = [];
  const columnOf = new Int32Array(table.n).fill(-1);
  for (let s = 0; s < table.n; s++) {
    if (!used[s]) continue;
    columnOf[s] = columns.length;
    columns.push(s);
  }
  const S = columns.length;
  const capacityArr = new Float64Array(S * R);
  for (let j = 0; j < S; j++) {
    const s = columns[j]!;
    const free = capacity.freeOver(capIndex[s]!, fromS, toS);
    capacityArr[j * R] = free.cpuCores;
    capacityArr[j * R + 1] = free.memoryGb;
    capacityArr[j * R + 2] = free.hpcNodes;
    capacityArr[j * R + 3] = free.storageTb;
    let gpus = 0;
    for (const p of poolsUsed[s]!) gpus += free.gpus[p] ?? 0;
    capacityArr[j * R + 4] = gpus;
  }
  const demand = new Float64Array(T * R);
  items.forEach((it, t) => {
    const r = it.task.resources;
    demand[t * R] = r.cpuCores;
    demand[t * R + 1] = r.memoryGb;
    demand[t * R + 2] = r.hpcNodes;
    demand[t * R + 3] = r.storageTb;
    demand[t * R + 4] = r.gpus;
  });
  const choices: BatchChoices = { pool: [], startS: [] };
  const candidates = perTask.map((e) => {
    choices.pool.push(Int16Array.from(e.pool));
    choices.startS.push(Float64Array.from(e.start));
    return { site: Int32Array.from(e.site, (s) => columnOf[s]!), cost: Float64Array.from(e.cost) };
  });
  return {
    problem: {
      taskCount: T,
      siteCount: S,
      resources: [...BATCH_RESOURCES],
      demand,
      capacity: capacityArr,
      candidates,
      unassignedCost: unassignedCostOf(w),
    },
    choices,
    siteOfColumn: Int32Array.from(columns),
  };
}
