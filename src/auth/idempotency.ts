/**
 * Idempotent submission. A client that sends `Idempotency-Key: <key>` may
 * retry the request as often as it likes (after a timeout, a dropped
 * connection, a server crash): it gets the same answer and at most one task.
 * The key is stored with the task in one statement (see insertTasks), scoped
 * to the tenant (tenant keys) or to the API key (other roles); the same key
 * with a different request is a conflict (409), never a second task.
 */
import { createHash } from 'node:crypto';
import { DomainError, invalid } from '../domain/errors.js';
import { getTask, type IdempotencyClaim, queuedRecord, type TaskRecord } from '../store/repos/tasks.js';
import type { Sql } from '../store/sql.js';
import type { Principal } from './principal.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Printable ASCII without spaces, 1–255 characters (UUIDs, ULIDs, hashes, "order-42/retry"). */
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

/** Thrown by a submission whose key was taken meanwhile (a concurrent retry won): nothing was written. */
export class IdempotencyKeyTaken extends Error {
  constructor(readonly claim: IdempotencyClaim) {
    super(`idempotency key '${claim.key}' is already used`);
    this.name = 'IdempotencyKeyTaken';
  }
}

/** The request's Idempotency-Key, undefined when absent; a malformed key is a 400 naming the header. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const v = headers[IDEMPOTENCY_HEADER];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw invalid('Idempotency-Key', 'must be sent once');
  if (!KEY_RE.test(v)) throw invalid('Idempotency-Key', 'must be 1–255 printable ASCII characters without spaces');
  return v;
}

/** Whose keys these are: a tenant's keys share one space (a rotated key still finds its retries). */
export function idempotencyScope(principal: Principal | null): string {
  if (!principal || principal.keyId === 'auth-off') return 'anonymous';
  return principal.role === 'tenant' && principal.tenantId ? `tenant:${principal.tenantId}` : `key:${principal.keyId}`;
}

/** JSON with object keys sorted, so field order does not make two equal requests differ. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

export function claimFor(principal: Principal | null, key: string, method: string, path: string, body: unknown) {
  return { scope: idempotencyScope(principal), key, requestHash: requestHash(method, path, body) };
}

export interface IdempotencyService {
  /**
   * The answer already given to this claim's key — the task as it was
   * submitted — or null when the key is unused. Throws conflict (409) when
   * the key was used for a different request.
   */
  replay(claim: IdempotencyClaim): Promise<TaskRecord | null>;
  /** Forgets keys older than `beforeS` (Unix s); returns how many. */
  purge(beforeS: number): Promise<number>;
}

export function storeIdempotencyService(sql: Sql): IdempotencyService {
  return {
    async replay(claim) {
      const rows = await sql.query<{ request_hash: string; task_id: string }>(
        'SELECT request_hash, task_id FROM idempotency_keys WHERE scope = $1 AND key = $2',
        [claim.scope, claim.key],
      );
      const row = rows[0];
      if (!row) return null;
      if (row.request_hash !== claim.requestHash) {
        throw new DomainError(
          'conflict',
          `Idempotency-Key '${claim.key}' was already used for a different request (task ${row.task_id}); ` +
            'use a new key for a new request',
          'Idempotency-Key',
        );
      }
      const task = await getTask(sql, row.task_id);
      // The key row cascades with its task, so this only happens in a race with a purge.
      if (!task) return null;
      return queuedRecord(task);
    },
    async purge(beforeS) {
      const rows = await sql.query('DELETE FROM idempotency_keys WHERE created_at_s < $1 RETURNING 1', [beforeS]);
      return rows.length;
    },
  };
}
