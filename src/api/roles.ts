/**
 * Who may call a route. Every route declares `config: { roles }`; the auth
 * capability enforces it (and scopes: a tenant sees its own tasks, a site
 * registers and reports its own sites). 'public' routes need no credentials.
 */
export type Role = 'operator' | 'site' | 'tenant' | 'regulator';
export type Access = Role | 'public';

export const ALL_ROLES: readonly Role[] = ['operator', 'site', 'tenant', 'regulator'];
export const PUBLIC: readonly Access[] = ['public'];

declare module 'fastify' {
  interface FastifyContextConfig {
    roles?: readonly Access[];
  }
}
