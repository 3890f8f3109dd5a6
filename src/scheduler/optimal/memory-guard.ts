/**
 * HiGHS runs in a WASM heap capped at 2 GiB; past it the runtime aborts and
 * the solve is lost. Refuse models whose LP alone would not fit, and give the
 * MIP search a heap level at which it is interrupted (keeping its incumbent).
 */
import { DomainError } from '../../domain/errors.js';

/** The MIP callback interrupts the search above this heap size. */
export const WASM_STOP_BYTES = 1.5 * 1024 ** 3;

/** Heap per model column and per nonzero once solved, measured (see bench/highs.ts notes). */
const BYTES_PER_COL_LP = 700;
const BYTES_PER_NONZERO_LP = 120;
/** The MIP keeps extra copies (presolve, LP relaxation, cut pool) before any tree grows. */
const MIP_FACTOR = 2;
const BASE_BYTES = 32 * 1024 ** 2;

export function estimateHeapBytes(numCols: number, nonzeros: number, integral: boolean): number {
  const lp = BASE_BYTES + BYTES_PER_COL_LP * numCols + BYTES_PER_NONZERO_LP * nonzeros;
  return integral ? lp * MIP_FACTOR : lp;
}

export function assertModelFits(numCols: number, nonzeros: number, integral: boolean): void {
  const bytes = estimateHeapBytes(numCols, nonzeros, integral);
  if (bytes > WASM_STOP_BYTES) {
    throw new DomainError(
      'payload_too_large',
      `taskCount: the assignment model (${numCols} columns, ${nonzeros} nonzeros) needs ~${Math.round(bytes / 1024 ** 2)} MiB, ` +
        `over the ${Math.round(WASM_STOP_BYTES / 1024 ** 2)} MiB HiGHS can use: split the batch or lower kBest`,
      'taskCount',
    );
  }
}
