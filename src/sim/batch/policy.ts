/**
 * The classic batch policies a site's local queue can run:
 * - fcfs: first come, first served, strictly in arrival order (the head blocks the queue).
 * - sjf:  shortest job first by the user's requested time, strictly (the shortest blocks).
 * - easy: FCFS with EASY backfilling — the head gets a reservation, later jobs
 *         may jump ahead only if they do not delay it.
 */
import { DomainError } from '../../domain/errors.js';

export type BatchPolicy = 'fcfs' | 'sjf' | 'easy';

export const BATCH_POLICIES: readonly BatchPolicy[] = ['fcfs', 'sjf', 'easy'];

export function parseBatchPolicy(v: string, field = 'policy'): BatchPolicy {
  const p = v.trim().toLowerCase();
  if ((BATCH_POLICIES as readonly string[]).includes(p)) return p as BatchPolicy;
  throw new DomainError('validation', `${field}: must be one of ${BATCH_POLICIES.join(', ')}, got '${v}'`, field);
}
