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
import { DomainError } from '../../domain/errors.js';
import { entriesToSites } from './greedy.js';
import { breathe, nowS } from './highs-run.js';
import { HighsThread } from './highs-thread.js';
import { polishAssignment } from './local-search.js';
import { relaxAndPrice } from './lp-phase.js';
import { solveMip } from './mip-phase.js';
import {
  type AssignmentProblem,
  type AssignmentResult,
  type SolveOptions,
  validateOptions,
  validateProblem,
} from './problem.js';
import { strideSample } from './sample.js';
import { SolveState } from './state.js';

/** The pricing loop may use this share of the remaining time when a MIP follows. */
const LP_SHARE_BEFORE_MIP = 0.85;
/** Below this share of the budget left, the MIP is not started. */
const MIN_MIP_SHARE = 0.1;

/** Relative gap as HiGHS reports it, but never dividing by less than 1 (costs near 0). */
const gapOf = (objective: number, bound: number): number =>
  objective - bound <= 0 ? 0 : (objective - bound) / Math.max(Math.abs(objective), 1);

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
  await breathe();

  // HiGHS has nothing to add when greedy gave every task its cheapest useful candidate
  if (s.bestObjective > s.fullBound.value) {
    const highs = HighsThread.acquire();
    try {
      if (o.relaxOnly) await relaxAndPrice(highs, s, deadlineS);
      else {
        // big batches need most of the time for the LP; small ones leave it to the MIP anyway
        if (o.pricingRounds > 0) await relaxAndPrice(highs, s, nowS() + LP_SHARE_BEFORE_MIP * (deadlineS - nowS()));
        // a MIP handed a sliver of time only runs presolve, and overruns doing it
        if (deadlineS - nowS() >= MIN_MIP_SHARE * o.timeLimitS) await solveMip(highs, s, deadlineS);
        else {
          s.status = 'time-limit';
          s.messages.push('no time left for the MIP');
        }
      }
    } catch (err) {
      if (err instanceof DomainError) throw err; // the model-size refusal is the caller's to handle
      s.status = 'error';
      s.messages.push(`HiGHS failed (${err instanceof Error ? err.message : String(err)}); best assignment so far`);
    } finally {
      highs.release();
    }
  }

  if (final && s.bestObjective > s.fullBound.value) {
    await breathe();
    const polished = s.best.slice();
    // past the deadline only the cheap moves: the time limit is the caller's promise to its own caller
    polishAssignment(p, s.lists, polished, nowS() < deadlineS);
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
