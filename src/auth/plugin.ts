/**
 * Trust on the HTTP API, installed by `buildApp` before any route:
 * - authentication: every route but the public ones needs `Authorization: Bearer sw_…`;
 * - roles: the key's role must be in the route's `config.roles` (else 403);
 * - scopes: `config.scope` routes check the resource belongs to the caller (see scope.ts);
 * - per-key rate limits (@fastify/rate-limit: 429 with Retry-After), and a per-address
 *   limit on failed authentications, checked before any lookup or hash;
 * - audit: every failure and denial is logged (pino, `audit` field) and counted in /metrics;
 * - the API key routes (/keys, /whoami) and /metrics.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Access, Role } from '../api/roles.js';
import { errorResponses } from '../api/schemas/common.js';
import type { Clock } from '../domain/clock.js';
import { DomainError } from '../domain/errors.js';
import type { Store } from '../store/sql.js';
import { FailureWindow } from './failure-window.js';
import { installHandlerTimeout } from './handler-timeout.js';
import { storeIdempotencyService } from './idempotency.js';
import { limitJsonBodies, urlProblem } from './json-limits.js';
import { createApiKey, getApiKey, listApiKeys, publicKeyRecord, revokeApiKeySafely } from './key-store.js';
import { TrustMetrics } from './metrics.js';
import { type Principal, type Scope, UNAUTHENTICATED_OPERATOR } from './principal.js';
import {
  ApiKeyPage,
  ApiKeyQuery,
  type ApiKeyQueryT,
  ApiKeyRecordSchema,
  CreatedApiKeySchema,
  KeyIdParams,
  type NewApiKeyBody,
  NewApiKeySchema,
  WhoAmISchema,
} from './schemas.js';
import { checkScope, type ScopeLookup, storeScopeLookup } from './scope.js';
import { AuthError, KeyVerifier, type KeyVerifierOptions } from './verifier.js';

export interface RateLimitOptions {
  /** Requests per key (or per address on public routes) in one window. */
  max: number;
  timeWindowMs: number;
}

/** Generous, so benchmarks are not throttled: 100,000 requests per key per 10 s. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 100_000, timeWindowMs: 10_000 };
/** Failed authentications per client address before it is refused for the rest of the window. */
export const DEFAULT_FAILURES_PER_ADDRESS = { limit: 100, windowMs: 60_000 };
/** Idempotency keys are kept this long (a retry later than this creates a new task). */
export const DEFAULT_IDEMPOTENCY_RETENTION_S = 7 * 86400;

export interface TrustOptions {
  store: Store;
  clock: Clock;
  /**
   * Enforce API keys (default true). `false` turns authentication off — for tests of
   * other capabilities only; every request then acts as an operator. Shipped servers never do.
   */
  auth?: boolean;
  /** Per-key rate limit (default DEFAULT_RATE_LIMIT); false turns it off. */
  rateLimit?: RateLimitOptions | false;
  failuresPerAddress?: { limit: number; windowMs: number };
  verifier?: KeyVerifierOptions;
  idempotencyRetentionS?: number;
  /** Prometheus process metrics (CPU, memory, event loop) in /metrics (default true). */
  processMetrics?: boolean;
  /** Answer 503 to a request still unanswered after this long (default 30 s). */
  handlerTimeoutMs?: number;
}

export interface RouteAccess {
  method: string;
  url: string;
  roles: readonly Access[];
  scope?: Scope;
}

/** What the trust layer exposes on the app (tests, the runtime). */
export interface Trust {
  readonly enforced: boolean;
  readonly verifier: KeyVerifier;
  readonly metrics: TrustMetrics;
  /** Every route with its roles and scope, as registered. */
  readonly routes: RouteAccess[];
}

declare module 'fastify' {
  interface FastifyInstance {
    trust: Trust;
  }
}

function routeLabel(req: FastifyRequest): string {
  return req.routeOptions.url ?? 'unmatched';
}

function describeRoles(roles: readonly Access[]): string {
  return roles.length === 1 ? `${roles[0]} keys` : `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)} keys`;
}

export async function installTrust(app: FastifyInstance, opts: TrustOptions): Promise<Trust> {
  const enforced = opts.auth ?? true;
  const metrics = new TrustMetrics({ processMetrics: opts.processMetrics ?? true });
  const verifier = new KeyVerifier(opts.store, opts.clock, opts.verifier);
  const f = opts.failuresPerAddress ?? DEFAULT_FAILURES_PER_ADDRESS;
  const addressFailures = new FailureWindow(f.limit, f.windowMs);
  const lookup: ScopeLookup = storeScopeLookup(opts.store);
  const routes: RouteAccess[] = [];
  const trust: Trust = { enforced, verifier, metrics, routes };
  app.decorate('trust', trust);
  app.decorateRequest('principal', null);
  limitJsonBodies(app);
  installHandlerTimeout(app, opts.handlerTimeoutMs ?? 30_000);
  app.addHook('onRequest', async (req, reply) => {
    const problem = urlProblem(req.url);
    if (problem) throw new DomainError('bad_request', problem);
    // @fastify/swagger-ui redirects index.html?query to itself, forever: send it to the docs instead.
    if (req.routeOptions.url === '/docs/static/index.html' && req.url.includes('?')) return reply.redirect('/docs/');
  });

  app.addHook('onRoute', (r) => {
    const roles = r.config?.roles ?? [];
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) {
      routes.push({ method: m, url: r.url, roles, ...(r.config?.scope && { scope: r.config.scope }) });
    }
    // The OpenAPI document says who may call each route, and that public ones need no key.
    if (r.schema && roles.length > 0) {
      const who = roles.includes('public') ? 'Public: no API key needed.' : `Roles: ${roles.join(', ')}.`;
      r.schema = {
        ...r.schema,
        description: r.schema.description ? `${r.schema.description}\n\n${who}` : who,
        ...(roles.includes('public') && { security: [] }),
      };
    }
  });

  // Denials raised by route handlers themselves (e.g. a tenant naming another tenant) are counted at the end.
  const counted = new WeakSet<FastifyRequest>();
  const deny = (req: FastifyRequest, p: Principal, why: 'role' | 'scope', message: string, extra = {}) => {
    counted.add(req);
    metrics.denial(p.role, `${req.method} ${routeLabel(req)}`, why);
    audit(req, { event: 'denied', why, keyId: p.keyId, role: p.role, ...extra }, message);
  };

  const audit = (req: FastifyRequest, event: Record<string, unknown>, msg: string) => {
    req.log.warn({ audit: true, method: req.method, route: routeLabel(req), url: req.url, ip: req.ip, ...event }, msg);
  };

  const refuse = (req: FastifyRequest, reply: FastifyReply, err: AuthError): never => {
    metrics.authFailure(err.reason);
    audit(req, { event: 'auth_failure', reason: err.reason, ...(err.keyId && { keyId: err.keyId }) }, err.message);
    if (err.reason === 'throttled') {
      reply.header('retry-after', String(err.retryAfterS ?? 60));
      throw new DomainError('rate_limited', err.message);
    }
    reply.header('www-authenticate', 'Bearer realm="suanwang"');
    throw new DomainError('unauthorized', err.message);
  };

  app.addHook('onRequest', async (req, reply) => {
    const roles = req.routeOptions.config?.roles;
    if (!roles || roles.includes('public')) return; // unknown routes get their 404/405; public ones no check
    if (!enforced) {
      req.principal = UNAUTHENTICATED_OPERATOR;
      return;
    }
    const header = req.headers.authorization ?? (req.headers['x-api-key'] as string | undefined);
    // An address that keeps failing is refused before any lookup or hash; keys it already proved still work.
    const guard = () => {
      const wait = addressFailures.blockedForS(req.ip);
      if (wait > 0)
        throw new AuthError('throttled', `too many failed authentications; retry in ${wait} s`, undefined, wait);
    };
    let principal: Principal;
    try {
      principal = await verifier.verifyHeader(typeof header === 'string' ? header : undefined, guard);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      if (err.reason !== 'missing' && err.reason !== 'throttled') addressFailures.add(req.ip);
      return refuse(req, reply, err);
    }
    if (!roles.includes(principal.role)) {
      const message = `${req.method} ${routeLabel(req)} is for ${describeRoles(roles)}; this is a ${principal.role} key`;
      deny(req, principal, 'role', message);
      throw new DomainError('forbidden', message);
    }
    req.principal = principal;
  });

  app.addHook('preHandler', async (req) => {
    const scope = req.routeOptions.config?.scope;
    if (!scope || !req.principal) return;
    try {
      await checkScope(req.principal, { scope, params: req.params, body: req.body }, lookup);
    } catch (err) {
      if (err instanceof DomainError) deny(req, req.principal, 'scope', err.message, { scope });
      throw err;
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = routeLabel(req);
    if (reply.statusCode === 403 && req.principal && !counted.has(req)) {
      deny(req, req.principal, 'scope', 'permission denied by the route');
    }
    metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    metrics.durations.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  const limit = opts.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (limit !== false) {
    if (!(Number.isInteger(limit.max) && limit.max > 0)) throw new Error('rateLimit.max must be a whole number > 0');
    if (!(Number.isFinite(limit.timeWindowMs) && limit.timeWindowMs >= 1)) {
      throw new Error('rateLimit.timeWindowMs must be ≥ 1');
    }
    // Registered before the routes: it adds its check to each route as it is declared, after authentication.
    await app.register(rateLimit, {
      global: true,
      max: limit.max,
      timeWindow: limit.timeWindowMs,
      keyGenerator: (req) => (req.principal ? `key:${req.principal.keyId}` : `ip:${req.ip}`),
      errorResponseBuilder: (req, ctx) => {
        const role = req.principal?.role ?? 'public';
        metrics.rateLimited.inc({ role });
        audit(req, { event: 'rate_limited', keyId: req.principal?.keyId, role }, 'rate limit exceeded');
        return new DomainError(
          'rate_limited',
          `rate limit of ${ctx.max} requests per ${limit.timeWindowMs / 1000} s reached; retry in ${ctx.after}`,
        );
      },
    });
  }

  // Idempotency keys are kept for a while, then forgotten (hourly sweep; wall time, not domain time).
  const retentionS = opts.idempotencyRetentionS ?? DEFAULT_IDEMPOTENCY_RETENTION_S;
  const idempotency = storeIdempotencyService(opts.store);
  const sweep = setInterval(() => {
    idempotency.purge(opts.clock.nowS() - retentionS).catch((err) => app.log.warn({ err }, 'idempotency sweep'));
  }, 3_600_000);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));

  keyRoutes(app, opts, trust);
  return trust;
}

function keyRoutes(app: FastifyInstance, opts: TrustOptions, trust: Trust): void {
  const { store, clock } = opts;
  const tags = ['keys'];
  const operator: readonly Role[] = ['operator'];

  app.route<{ Body: NewApiKeyBody }>({
    method: 'POST',
    url: '/keys',
    config: { roles: operator },
    schema: {
      tags,
      summary: 'Create an API key; the key itself is in this answer only (it is stored hashed)',
      body: NewApiKeySchema,
      response: { 201: CreatedApiKeySchema, ...errorResponses },
    },
    handler: async (req, reply) => {
      const { expiresInS, expiresAtS, ...rest } = req.body;
      if (expiresInS !== undefined && expiresAtS !== undefined) {
        throw new DomainError('validation', 'give expiresAtS or expiresInS, not both', 'expiresInS');
      }
      const created = await createApiKey(
        store,
        {
          ...rest,
          expiresAtS: expiresInS !== undefined ? clock.nowS() + expiresInS : (expiresAtS ?? null),
          createdBy: req.principal?.keyId ?? 'auth-off',
        },
        clock,
      );
      req.log.info({ audit: true, event: 'key_created', keyId: created.record.id, role: created.record.role }, 'key');
      return reply.status(201).header('location', `/keys/${created.record.id}`).send(created);
    },
  });

  app.route<{ Querystring: ApiKeyQueryT }>({
    method: 'GET',
    url: '/keys',
    config: { roles: operator },
    schema: {
      tags,
      summary: 'API keys by id (never their secrets); revoked ones with revoked=true',
      querystring: ApiKeyQuery,
      response: { 200: ApiKeyPage, ...errorResponses },
    },
    handler: (req) => {
      const { limit = 50, cursor, ...filter } = req.query;
      return listApiKeys(store, filter, { limit, ...(cursor !== undefined && { cursor }) });
    },
  });

  app.route<{ Params: { id: string } }>({
    method: 'GET',
    url: '/keys/:id',
    config: { roles: operator },
    schema: {
      tags,
      summary: 'One API key',
      params: KeyIdParams,
      response: { 200: ApiKeyRecordSchema, ...errorResponses },
    },
    handler: async (req) => {
      const k = await getApiKey(store, req.params.id);
      if (!k) throw new DomainError('not_found', `API key '${req.params.id}' not found`);
      return publicKeyRecord(k);
    },
  });

  app.route<{ Params: { id: string } }>({
    method: 'POST',
    url: '/keys/:id/revoke',
    config: { roles: operator },
    schema: {
      tags,
      summary: 'Revoke an API key at once (409 for the last usable operator key)',
      params: KeyIdParams,
      response: { 200: ApiKeyRecordSchema, ...errorResponses },
    },
    handler: async (req) => {
      const id = req.params.id;
      const rec = await revokeApiKeySafely(store, id, { clock });
      trust.verifier.forget(id);
      req.log.info({ audit: true, event: 'key_revoked', keyId: id, by: req.principal?.keyId }, 'key revoked');
      return rec;
    },
  });

  app.route({
    method: 'GET',
    url: '/whoami',
    config: { roles: ['operator', 'site', 'tenant', 'regulator'] },
    schema: { tags, summary: 'The calling key: its role and what it is bound to', response: { 200: WhoAmISchema } },
    handler: async (req) => {
      const p = req.principal!;
      return { keyId: p.keyId, name: p.name, role: p.role, tenantId: p.tenantId, siteIds: [...p.siteIds] };
    },
  });

  app.route({
    method: 'GET',
    url: '/metrics',
    config: { roles: ['operator', 'regulator'] },
    schema: { tags: ['health'], summary: 'Prometheus metrics (text format)', produces: ['text/plain'] },
    handler: async (_req, reply) => reply.type(trust.metrics.contentType).send(await trust.metrics.text()),
  });
}
