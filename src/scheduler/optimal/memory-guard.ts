/**
 * HiGHS runs in a WASM heap capped at 2 GiB; past it the runtime aborts and
 * the solve is lost. Refuse models whose LP alone would not fit, and give the
 * MIP search a heap level at which it is interrupted (keeping its incumbent).
 */
import { DomainError } from '../../domain/errors.js';

/** The MIP callback interrupts the search above this heap size. */
export const WASM_STOP_BYTES = 1.5 * 1024 ** 3;

/**
 * Heap after an LP solve, measured on assignment models (highs 1.15, ~3
 * nonzeros per column): 22k columns 29 MiB, 109k columns 126 MiB, 170k columns
 * 218 MiB. This estimate sits above all three (50, 168, 252 MiB).
 */
const BASE_BYTES = 20 * 1024 ** 2;
const BYTES_PER_COL_LP = 900;
const BYTES_PER_NONZERO_LP = 150;
/**
 * The MIP keeps presolved and relaxation copies before its tree grows (22k
 * columns: 261 MiB after 30 s; 40k: 314 MiB). Growth is watched by the
 * interrupt callback; this factor only refuses what cannot even start.
 */
const MIP_FACTOR = 2;

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
