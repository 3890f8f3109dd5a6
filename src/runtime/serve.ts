/**
 * `startPlatform`: the HTTP API over the store, plus the live platform
 * (scheduler + dispatch loops) behind it. `suanwang serve` and
 * `suanwang demo` run this; tests start it on a free port.
 */
import { resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyServerOptions } from 'fastify';
import type { RouteModule } from '../api/routes/types.js';
import { errorResponses, IdParams, strict } from '../api/schemas/common.js';
import { type RunningServer, type StartServerOptions, startServer } from '../api/server.js';
import type { Services } from '../api/services/index.js';
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import { notFound } from '../domain/errors.js';
import { DEFAULT_DATA_DIR } from '../store/index.js';
import { Platform, type PlatformOptions } from './platform.js';
import { registerSchedulerMetrics } from './scheduler-metrics.js';

export interface StartPlatformOptions
  extends Omit<StartServerOptions, 'services' | 'routes' | 'clock' | 'logger'>,
    Omit<PlatformOptions, 'store' | 'dataDir' | 'clock' | 'log'> {
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
}

export interface RunningPlatform extends RunningServer {
  platform: Platform;
  dataDir: string;
}

/** Wraps the store-backed services so the platform hears of every submission, cancel and supply change. */
export function platformServices(base: Services, platform: () => Platform): Services {
  const changed = async <T>(result: T): Promise<T> => {
    await platform().sitesChanged();
    return result;
  };
  return {
    ...base,
    tasks: {
      ...base.tasks,
      async submit(input, ctx) {
        const rec = await base.tasks.submit(input, ctx);
        platform().submitted(rec);
        return rec;
      },
      async cancel(id, reason) {
        const rec = await base.tasks.cancel(id, reason);
        await platform().cancelled(id);
        return rec;
      },
    },
    supply: {
      ...base.supply,
      createSite: async (site) => changed(await base.supply.createSite(site)),
      registerSite: async (site) => changed(await base.supply.registerSite(site)),
      replaceSite: async (id, site, v) => changed(await base.supply.replaceSite(id, site, v)),
      patchSite: async (id, patch, v) => changed(await base.supply.patchSite(id, patch, v)),
      deleteSite: async (id) => changed(await base.supply.deleteSite(id)),
    },
  };
}

const LogsQuery = Type.Object(
  {
    offset: Type.Optional(Type.Integer({ minimum: 0, description: 'Byte offset to read from' })),
    maxBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 * 1024 * 1024 })),
    attempt: Type.Optional(Type.Integer({ minimum: 1, description: 'Which attempt (default: the latest)' })),
  },
  strict,
);

/** GET /tasks/:id/logs — the output of the task's latest job. */
function logsRoutes(platform: () => Platform): RouteModule {
  return (app) => {
    app.get<{ Params: { id: string }; Querystring: { offset?: number; maxBytes?: number; attempt?: number } }>(
      '/tasks/:id/logs',
      {
        config: { roles: ['operator', 'tenant'], scope: 'task' },
        schema: {
          tags: ['tasks'],
          summary: "The output of a task's latest job (or of one attempt)",
          params: IdParams,
          querystring: LogsQuery,
          response: { ...errorResponses },
        },
      },
      async (req) => {
        try {
          return await platform().logs(req.params.id, req.query);
        } catch (e) {
          if (e instanceof Error && /no job/i.test(e.message)) throw notFound('job of task', req.params.id);
          throw e;
        }
      },
    );
  };
}

export async function startPlatform(opts: StartPlatformOptions = {}): Promise<RunningPlatform> {
  const clock = opts.clock ?? systemClock;
  const dataDir = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  let platform: Platform | undefined;
  const get = () => {
    if (!platform) throw new Error('the platform is not started yet');
    return platform;
  };
  const server = await startServer({
    ...opts,
    clock,
    routes: [logsRoutes(get)],
    services: async (base, { store }) => {
      platform = await Platform.start({
        store,
        dataDir,
        clock,
        ...(opts.policy !== undefined && { policy: opts.policy }),
        ...(opts.fairShare && { fairShare: opts.fairShare }),
        ...(opts.scheduleIntervalMs !== undefined && { scheduleIntervalMs: opts.scheduleIntervalMs }),
        ...(opts.dispatch && { dispatch: opts.dispatch }),
        ...(opts.backends && { backends: opts.backends }),
        ...(opts.localMaxConcurrent !== undefined && { localMaxConcurrent: opts.localMaxConcurrent }),
      });
      return { services: platformServices(base, get), close: () => platform!.stop() };
    },
  });
  registerSchedulerMetrics(server.app.trust.metrics.registry, () => get().schedulerStats());
  return { ...server, platform: platform!, dataDir };
}
