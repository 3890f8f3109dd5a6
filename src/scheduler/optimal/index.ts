/** The HiGHS batch optimiser: pure assignment of a batch of tasks to sites under capacity. */
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
