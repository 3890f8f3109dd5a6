/**
 * The HiGHS batch optimiser: assign a batch of tasks to sites, each to at most
 * one of its candidate sites, within every site's capacity per resource, at
 * minimum total cost (leaving a task out costs `unassignedCost`).
 *
 *   const r = await solveAssignment(problem, { timeLimitS: 5 });
 *   r.assignment[t]            // site index, or -1
 *   r.objective, r.lowerBound  // what it costs, what no assignment can beat
 *   r.capacityPrices           // shadow prices; pass back as options.capacityPrices next cycle
 *
 * Pure and deterministic apart from HiGHS's time limit; the only I/O is loading
 * the `highs` WASM package in the worker thread that runs HiGHS
 * (highs-thread.ts).
 */
export { type AssignmentCheck, type CapacityViolation, candidateCost, evaluateAssignment } from './evaluate.js';
export { greedyAssign } from './greedy.js';
export { estimateHeapBytes, WASM_STOP_BYTES } from './memory-guard.js';
export type {
  AssignmentProblem,
  AssignmentResult,
  AssignmentStatus,
  BoundScope,
  BoundSource,
  CandidateList,
  FractionalAssignment,
  SolveOptions,
} from './problem.js';
export { validateProblem } from './problem.js';
export { repairToIntegral } from './repair.js';
export { solveAssignment } from './solve.js';
