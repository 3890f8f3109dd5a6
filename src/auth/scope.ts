/**
 * Resource scopes, checked after the role: a tenant reaches only its own
 * tasks (another tenant's task answers exactly like a missing one, 404, so
 * guessing ids tells nothing), a site key changes only its own sites and
 * cannot clear its own compliance flag or point the platform at files and
 * sockets on the platform's host.
 */
import { DomainError, notFound } from '../domain/errors.js';
import type { Sql } from '../store/sql.js';
import type { Principal, Scope } from './principal.js';

export interface ScopeLookup {
  /** The tenant of a task, or null when there is no such task. */
  taskTenant(taskId: string): Promise<string | null>;
  /** The stored compliance flag of a site, or null when there is no such site. */
  siteCompliant(siteId: string): Promise<boolean | null>;
}

export function storeScopeLookup(sql: Sql): ScopeLookup {
  return {
    async taskTenant(id) {
      const rows = await sql.query<{ tenant_id: string }>('SELECT tenant_id FROM tasks WHERE id = $1', [id]);
      return rows[0]?.tenant_id ?? null;
    },
    async siteCompliant(id) {
      const rows = await sql.query<{ compliant: boolean }>('SELECT compliant FROM sites WHERE id = $1', [id]);
      return rows[0]?.compliant ?? null;
    },
  };
}

/** Backend settings that name things on the platform's own host: the operator's to set, not a site's. */
const HOST_LOCAL_BACKEND_FIELDS = ['restSocket', 'slurmConf', 'workDir'] as const;

export interface ScopeRequest {
  scope: Scope;
  params: unknown;
  body: unknown;
}

/** Throws not_found (tenant scope) or forbidden (site scope) when the principal may not touch the resource. */
export async function checkScope(principal: Principal, req: ScopeRequest, lookup: ScopeLookup): Promise<void> {
  const params = (req.params ?? {}) as Record<string, unknown>;
  if (req.scope === 'task') {
    if (principal.role !== 'tenant') return;
    const id = String(params.id ?? '');
    const owner = await lookup.taskTenant(id);
    // Same answer as a task that does not exist (the services' own 404), so existence does not leak.
    if (owner !== principal.tenantId) throw notFound('task', id);
    return;
  }
  if (principal.role !== 'site') return;
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const siteId = req.scope === 'site' ? String(params.id ?? '') : String(body.id ?? '');
  if (!principal.siteIds.includes(siteId)) {
    throw new DomainError(
      'forbidden',
      `this site key speaks for ${principal.siteIds.map((s) => `'${s}'`).join(', ')} only, not '${siteId}'`,
      'id',
    );
  }
  if (body.compliant !== undefined) {
    const stored = await lookup.siteCompliant(siteId);
    if (stored !== null && stored !== body.compliant) {
      throw new DomainError(
        'forbidden',
        'a site cannot change its own compliance flag; the operator or the regulator’s process does',
        'compliant',
      );
    }
  }
  const backend = body.backend as Record<string, unknown> | null | undefined;
  if (backend && typeof backend === 'object') {
    for (const f of HOST_LOCAL_BACKEND_FIELDS) {
      if (backend[f] !== undefined) {
        throw new DomainError(
          'forbidden',
          `backend.${f} names a path on the platform's host: only an operator key may set it`,
          `backend.${f}`,
        );
      }
    }
  }
}
