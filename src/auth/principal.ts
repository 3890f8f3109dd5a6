/**
 * Who is calling: the verified API key's role and what it is bound to. Routes
 * read it from `req.principal`; a tenant is always scoped to its own tenant id,
 * a site key to its own site ids.
 */
import type { Role } from '../api/roles.js';

export interface Principal {
  keyId: string;
  /** The key's name (for logs and `whoami`). */
  name: string;
  role: Role;
  /** Set for (and only for) tenant keys. */
  tenantId: string | null;
  /** Non-empty for (and only for) site keys. */
  siteIds: readonly string[];
}

/**
 * What a route may touch besides its role check, enforced before the handler:
 * - `task`: `:id` is a task id; a tenant key may only reach its own tasks (others answer 404, as if absent)
 * - `site`: `:id` is a site id; a site key may only change its own sites (403)
 * - `site-body`: the body's `id` is a site id; same rule (a site registering itself)
 */
export type Scope = 'task' | 'site' | 'site-body';

declare module 'fastify' {
  interface FastifyContextConfig {
    scope?: Scope;
  }
  interface FastifyRequest {
    /** The verified caller; null on public routes (and before authentication). */
    principal: Principal | null;
  }
}

/** The principal a server with authentication turned off (tests only) acts as. */
export const UNAUTHENTICATED_OPERATOR: Principal = Object.freeze({
  keyId: 'auth-off',
  name: 'authentication disabled',
  role: 'operator',
  tenantId: null,
  siteIds: [],
});

/** The tenant a request is confined to, or undefined when it may see every tenant. */
export function tenantScopeOf(principal: Principal | null): string | undefined {
  return principal?.role === 'tenant' ? (principal.tenantId ?? undefined) : undefined;
}
