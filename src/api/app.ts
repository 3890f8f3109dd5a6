/**
 * The HTTP API: Fastify + TypeBox. `buildApp` wires validation, errors, the
 * OpenAPI document (/openapi.json, docs at /docs) and every capability's
 * routes — registered here, in one list, each with its `config.roles`.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { installTrust, type TrustOptions } from '../auth/plugin.js';
import type { Clock } from '../domain/clock.js';
import type { Store } from '../store/sql.js';
import { installErrorHandling } from './errors.js';
import type { Access } from './roles.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { healthRoutes } from './routes/health.js';
import { networkRoutes } from './routes/network.js';
import { placementRoutes } from './routes/placements.js';
import { siteRoutes } from './routes/sites.js';
import { taskRoutes } from './routes/tasks.js';
import { topologyRoutes } from './routes/topology.js';
import type { RouteModule } from './routes/types.js';
import { type Services, storeServices } from './services/index.js';
import { typeboxValidatorCompiler } from './validation.js';

/** Every capability's routes, in one place (add one line per capability). */
export const ROUTES: readonly RouteModule[] = [
  healthRoutes,
  dashboardRoutes,
  topologyRoutes,
  siteRoutes,
  taskRoutes,
  placementRoutes,
  networkRoutes,
];

export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Time to receive a whole request (slow clients), and to answer one. */
export const REQUEST_TIMEOUT_MS = 30_000;
export const HANDLER_TIMEOUT_MS = 30_000;
export const API_VERSION = '0.1.0';

export interface BuildAppOptions {
  store: Store;
  clock: Clock;
  /** Default: the store-backed services. */
  services?: Services;
  /** Fastify logger: false (default), true, or pino options. */
  logger?: FastifyServerOptions['logger'];
  bodyLimitBytes?: number;
  /** Extra route modules (e.g. a capability added by the runtime). */
  routes?: readonly RouteModule[];
  /**
   * Enforce API keys (default true). `false` only in tests of other capabilities:
   * every request then acts as an operator. Shipped servers always enforce them.
   */
  auth?: boolean;
  /** Per-key rate limit (default: generous, see src/auth); false turns it off. */
  rateLimit?: TrustOptions['rateLimit'];
  /** Further trust settings (verifier cache, failure limits, idempotency retention). */
  trust?: Omit<TrustOptions, 'store' | 'clock' | 'auth' | 'rateLimit'>;
  requestTimeoutMs?: number;
  handlerTimeoutMs?: number;
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimitBytes ?? BODY_LIMIT_BYTES,
    requestTimeout: opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    // Node checks for timed-out requests every 30 s by default: far too coarse for the limit above.
    http: {
      connectionsCheckingInterval: Math.min(5000, Math.max(100, (opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS) / 4)),
    },
    // Off by default in Fastify: ids in paths are case-sensitive; keep it explicit.
    routerOptions: { caseSensitive: true, ignoreTrailingSlash: true },
    // Errors before routing (a malformed URL) answer in the same shape as every other error.
    frameworkErrors: (err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      reply.status(400).send({ error: 'bad_request', message: err.message });
    },
  });
  // JSON only: any other content type is a 415, not a string the schema then rejects.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(typeboxValidatorCompiler);
  installErrorHandling(app);

  // Every route must say who may call it, so auth can be enforced from one table.
  app.addHook('onRoute', (r) => {
    if (r.url.startsWith('/docs')) {
      r.config = { ...(r.config ?? {}), roles: ['public'] as readonly Access[] };
      return;
    }
    if (!r.config?.roles || r.config.roles.length === 0) {
      throw new Error(`route ${String(r.method)} ${r.url} declares no config.roles`);
    }
  });

  // Authentication, roles, scopes and rate limits go in before any route is declared.
  await installTrust(app, {
    ...opts.trust,
    store: opts.store,
    clock: opts.clock,
    ...(opts.auth !== undefined && { auth: opts.auth }),
    ...(opts.rateLimit !== undefined && { rateLimit: opts.rateLimit }),
    handlerTimeoutMs: opts.handlerTimeoutMs ?? HANDLER_TIMEOUT_MS,
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Suanwang (算网) API',
        version: API_VERSION,
        description:
          "One point of access to China's national integrated compute network (东数西算): the supply ledger of hubs, " +
          'clusters and sites, task submission and placement, and the network model. Errors are JSON ' +
          '`{error, message, field?}`; lists are pages with `nextCursor`; times are Unix seconds; money is integer fen. ' +
          'Every route but the health checks and the documents needs an API key (`Authorization: Bearer sw_…`); ' +
          'each route says which roles may call it. `POST /tasks` takes an `Idempotency-Key` header: retries with ' +
          'the same key get the same answer and never a second task.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key, sw_<id>_<secret>' },
        },
      },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'topology', description: 'National hubs, clusters, cities, pairings' },
        { name: 'sites', description: 'The supply ledger' },
        { name: 'tasks', description: 'Submit, follow and cancel work' },
        { name: 'placements', description: 'Where and when the scheduler put tasks, and why' },
        { name: 'network', description: 'Latency between places' },
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'dashboard', description: 'Status page and counts' },
        { name: 'keys', description: 'API keys: create, list, revoke; who am I' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.route({
    method: 'GET',
    url: '/openapi.json',
    config: { roles: ['public'] },
    schema: { hide: true },
    handler: async () => app.swagger(),
  });

  const deps = { services: opts.services ?? storeServices(opts.store, opts.clock), clock: opts.clock };
  for (const routes of [...ROUTES, ...(opts.routes ?? [])]) routes(app, deps);
  await app.ready();
  return app;
}
