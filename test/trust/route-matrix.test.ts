/**
 * Every route of the shipped server (the live platform's, taken from
 * Fastify's own route list) × every role: the roles a route declares
 * succeed, the others get 403, no key or a bad key gets 401 — except the
 * public few. Then tenant isolation: another tenant's task answers exactly
 * like a task that does not exist (404), on every task route, also for
 * guessed ids; lists and placements are confined to the caller's tenant;
 * a site key changes only its own sites.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Role } from '../../src/api/roles.js';
import { createApiKey } from '../../src/auth/key-store.js';
import type { RouteAccess } from '../../src/auth/plugin.js';
import { systemClock } from '../../src/domain/clock.js';
import { type RunningPlatform, startPlatform } from '../../src/runtime/serve.js';
import { newTaskId, type Store, seedNationalTopology } from '../../src/store/index.js';
import { newSite } from '../helpers/fixtures.js';
import { describeStores, freshStore, scratchDir } from '../helpers/stores.js';
import { type Answer, type Keys, makeKeys, OWN_SITES, send, TENANT_A, TENANT_B, task, type Who } from './helpers.js';

const ROLES: Role[] = ['operator', 'site', 'tenant', 'regulator'];
const WHO: Record<Role, Who> = { operator: 'operator', site: 'site', tenant: 'tenantA', regulator: 'regulator' };
/** The only routes open without a key. */
const PUBLIC_URLS = ['/', '/healthz', '/readyz', '/openapi.json'];
const isPublicUrl = (url: string) => PUBLIC_URLS.includes(url) || url === '/docs' || url.startsWith('/docs/');

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeStores('routes × roles', (kind) => {
  let store: Store;
  let p: RunningPlatform;
  let keys: Keys;
  let routes: RouteAccess[];
  let n = 0;
  const call = (who: Who, method: string, url: string, body?: unknown, headers?: Record<string, string>) =>
    send(p.app, keys, who, method as 'GET', url, body, headers);
  const must = async (what: string, res: Promise<Answer>): Promise<Answer> => {
    const r = await res;
    assert.ok(r.status < 300, `${what}: ${r.status} ${r.raw.slice(0, 300)}`);
    return r;
  };
  const newSiteId = async () => {
    const id = `matrix-${n++}`;
    await must('create site', call('operator', 'POST', '/sites', newSite(id)));
    return id;
  };
  const newTaskOf = async (who: Who, over: Record<string, unknown> = {}) =>
    (await must('submit', call(who, 'POST', '/tasks', task({ tenantId: undefined, ...over })))).body.id as string;
  let taskA: string;
  let ranTaskA: string;
  let taskB: string;

  before(async () => {
    store = await freshStore(kind);
    await seedNationalTopology(store, { atS: systemClock.nowS() });
    p = await startPlatform({
      store,
      dataDir: scratchDir('matrix'),
      port: 0,
      seed: false,
      scheduleIntervalMs: 100,
      dispatch: { pollIntervalMs: 100 },
      localMaxConcurrent: 2,
    });
    keys = await makeKeys(store, systemClock);
    routes = p.app.trust.routes;
    taskA = await newTaskOf('tenantA', { earliestStartS: systemClock.nowS() + 86400 });
    taskB = await newTaskOf('tenantB', { earliestStartS: systemClock.nowS() + 86400 });
    ranTaskA = await newTaskOf('tenantA', { command: 'echo trust-matrix', durationS: 30 });
    await until('a job of tenant A to run', async () => {
      const r = await call('operator', 'GET', `/tasks/${ranTaskA}`);
      return ['succeeded', 'failed'].includes(r.body.state) ? true : undefined;
    });
  });
  after(async () => {
    await p?.close();
    await store?.close();
  });

  /** A request each route's allowed roles can make successfully (fresh resources for writes). */
  const fixtures: Record<string, (who: Who) => Promise<{ url: string; body?: unknown }>> = {
    'GET /hubs': async () => ({ url: '/hubs' }),
    'GET /hubs/:id': async () => ({ url: '/hubs/jingjinji' }),
    'GET /clusters': async () => ({ url: '/clusters?hubId=guizhou' }),
    'GET /clusters/:id': async () => ({
      url: `/clusters/${(await call('operator', 'GET', '/clusters')).body.items[0].id}`,
    }),
    'GET /cities': async () => ({ url: '/cities' }),
    'GET /cities/:id': async () => ({ url: '/cities/chengdu' }),
    'GET /pairings': async () => ({ url: '/pairings' }),
    'GET /summary': async () => ({ url: '/summary' }),
    'GET /sites': async () => ({ url: '/sites?limit=5' }),
    'GET /sites/:id': async () => ({ url: '/sites/langfang-1' }),
    'POST /sites': async () => ({ url: '/sites', body: newSite(`matrix-${n++}`) }),
    'POST /sites/register': async (who) => ({
      url: '/sites/register',
      body: newSite(who === 'site' ? OWN_SITES[1]! : `matrix-${n++}`),
    }),
    'PUT /sites/:id': async () => {
      const id = await newSiteId();
      return { url: `/sites/${id}`, body: newSite(id) };
    },
    'PATCH /sites/:id': async (who) => ({
      url: `/sites/${who === 'site' ? OWN_SITES[0] : await newSiteId()}`,
      body: { name: `patched ${n++}` },
    }),
    'DELETE /sites/:id': async () => ({ url: `/sites/${await newSiteId()}` }),
    'POST /tasks': async () => ({ url: '/tasks', body: task({ earliestStartS: systemClock.nowS() + 86400 }) }),
    'GET /tasks': async () => ({ url: '/tasks?limit=10' }),
    'GET /tasks/:id': async () => ({ url: `/tasks/${taskA}` }),
    'POST /tasks/:id/cancel': async () => ({
      url: `/tasks/${await newTaskOf('tenantA', { earliestStartS: systemClock.nowS() + 86400 })}/cancel`,
      body: {},
    }),
    'GET /tasks/:id/placements': async () => ({ url: `/tasks/${ranTaskA}/placements` }),
    'GET /tasks/:id/logs': async () => ({ url: `/tasks/${ranTaskA}/logs` }),
    'GET /placements': async () => ({ url: '/placements?limit=10' }),
    'GET /network/latency': async () => ({ url: '/network/latency?from=shanghai&to=guiyang' }),
    'GET /network/circle': async () => ({ url: '/network/circle?center=shanghai&ms=3' }),
    'POST /keys': async () => ({ url: '/keys', body: { name: 'matrix', role: 'regulator' } }),
    'GET /keys': async () => ({ url: '/keys' }),
    'GET /keys/:id': async () => ({ url: `/keys/${keys.regulator.slice(3, 19)}` }),
    'POST /keys/:id/revoke': async () => {
      const k = await createApiKey(store, { name: 'to revoke', role: 'regulator' });
      return { url: `/keys/${k.record.id}/revoke`, body: {} };
    },
    'GET /whoami': async () => ({ url: '/whoami' }),
    'GET /metrics': async () => ({ url: '/metrics' }),
  };

  it('declares roles as the policy says: few public routes, a read-only regulator, scoped task routes', () => {
    assert.ok(routes.length > 40, `${routes.length} routes`);
    for (const r of routes) {
      const where = `${r.method} ${r.url}`;
      assert.ok(r.roles.length > 0, `${where} declares roles`);
      if (r.roles.includes('public')) assert.ok(isPublicUrl(r.url), `${where} must not be public`);
      if (!['GET', 'HEAD'].includes(r.method)) assert.ok(!r.roles.includes('regulator'), `${where}: regulator reads`);
      if (r.url.startsWith('/tasks/:id') && r.roles.includes('tenant')) assert.equal(r.scope, 'task', where);
      if (r.roles.includes('site') && !['GET', 'HEAD'].includes(r.method))
        assert.ok(r.scope?.startsWith('site'), where);
    }
    for (const url of ['/metrics', '/keys', '/tasks', '/sites']) {
      assert.ok(!routes.find((r) => r.url === url)?.roles.includes('public'), url);
    }
  });

  it('lets every declared role call every route, refuses the others with 403, and anyone without a key with 401', async () => {
    let checked = 0;
    for (const r of routes) {
      const where = `${r.method} ${r.url}`;
      if (r.roles.includes('public')) {
        const url = r.url.replace('*', 'index.html');
        const res = await call('anonymous', r.method, url);
        assert.ok(![401, 403].includes(res.status) && res.status < 500, `${where} is public: ${res.status}`);
        checked++;
        continue;
      }
      const base = r.method === 'HEAD' ? `GET ${r.url}` : where;
      const fixture = fixtures[base];
      assert.ok(fixture, `a fixture for ${where} (a new route? add it to the matrix)`);
      for (const who of ['anonymous', 'bogus'] as const) {
        const req = await fixture(who);
        const res = await call(who, r.method, req.url, req.body);
        assert.equal(res.status, 401, `${where} as ${who}: ${res.raw}`);
        checked++;
      }
      for (const role of ROLES) {
        const req = await fixture(WHO[role]);
        const res = await call(WHO[role], r.method, req.url, req.body);
        if (r.roles.includes(role)) {
          assert.ok(
            res.status >= 200 && res.status < 300,
            `${where} as ${role}: ${res.status} ${res.raw.slice(0, 300)}`,
          );
        } else {
          assert.equal(res.status, 403, `${where} as ${role}: ${res.status} ${res.raw.slice(0, 200)}`);
          if (r.method !== 'HEAD') assert.equal(res.body.error, 'forbidden');
        }
        checked++;
      }
    }
    assert.ok(checked > 200, `${checked} route × identity checks`);
  });

  it("answers another tenant's task exactly like a missing one on every task route, also for guessed ids", async () => {
    const taskRoutes = routes.filter((r) => r.scope === 'task' && r.method !== 'HEAD');
    assert.ok(taskRoutes.length >= 4, taskRoutes.map((r) => r.url).join(' '));
    for (const r of taskRoutes) {
      const body = r.method === 'POST' ? {} : undefined;
      const theirs = await call('tenantB', r.method, r.url.replace(':id', ranTaskA), body);
      const missing = newTaskId(systemClock.nowS());
      const none = await call('tenantB', r.method, r.url.replace(':id', missing), body);
      assert.equal(theirs.status, 404, `${r.method} ${r.url}: ${theirs.raw}`);
      assert.equal(none.status, 404);
      assert.deepEqual(theirs.body, { error: 'not_found', message: `task '${ranTaskA}' not found` });
      assert.deepEqual(none.body, { error: 'not_found', message: `task '${missing}' not found` });
    }
    // Tenant A's task is untouched by B's attempt to cancel it.
    assert.notEqual((await call('tenantA', 'GET', `/tasks/${taskA}`)).body.state, 'cancelled');
    for (let i = 0; i < 100; i++) {
      const guess = newTaskId(systemClock.nowS() - i);
      assert.equal((await call('tenantB', 'GET', `/tasks/${guess}`)).status, 404);
    }
  });

  it("confines lists, placements and submissions to the caller's tenant", async () => {
    const mine = (await call('tenantB', 'GET', '/tasks?limit=500')).body.items as { id: string; tenantId: string }[];
    assert.ok(mine.length >= 1);
    assert.ok(mine.every((t) => t.tenantId === TENANT_B));
    assert.ok(mine.some((t) => t.id === taskB));
    const other = await call('tenantB', 'GET', `/tasks?tenantId=${TENANT_A}`);
    assert.equal(other.status, 403);
    assert.equal(other.body.field, 'tenantId');
    assert.equal((await call('tenantB', 'GET', `/tasks?tenantId=${TENANT_B}`)).status, 200);

    const all = (await call('operator', 'GET', `/placements?taskId=${ranTaskA}`)).body.items;
    assert.ok(all.length >= 1, 'A has a placement');
    assert.deepEqual((await call('tenantB', 'GET', `/placements?taskId=${ranTaskA}`)).body.items, []);
    const bList = (await call('tenantB', 'GET', '/placements?limit=500')).body.items as { taskId: string }[];
    assert.ok(!bList.some((pl) => pl.taskId === ranTaskA));
    assert.ok(
      (await call('tenantA', 'GET', '/placements?limit=500')).body.items.some(
        (pl: { taskId: string }) => pl.taskId === ranTaskA,
      ),
    );

    // The tenant comes from the key: omitted is fine, another tenant is refused.
    const own = await call('tenantB', 'POST', '/tasks', task({ tenantId: undefined }));
    assert.equal(own.status, 201);
    assert.equal(own.body.tenantId, TENANT_B);
    const forged = await call('tenantB', 'POST', '/tasks', task({ tenantId: TENANT_A }));
    assert.equal(forged.status, 403);
    assert.equal(forged.body.field, 'tenantId');
    const missing = await call('operator', 'POST', '/tasks', task({ tenantId: undefined }));
    assert.equal(missing.status, 400, 'an operator names the tenant');
    assert.equal(missing.body.field, 'tenantId');
  });

  it('lets a site key change only its own sites, never its compliance flag or host paths', async () => {
    const notMine = await call('site', 'PATCH', '/sites/beijing-edge', { status: 'draining' });
    assert.equal(notMine.status, 403);
    assert.match(notMine.body.message, /speaks for 'shanghai-edge', 'trust-site-a' only/);
    const reg = await call('site', 'POST', '/sites/register', newSite('not-mine'));
    assert.equal(reg.status, 403);
    assert.equal(reg.body.field, 'id');
    const flag = await call('site', 'PATCH', `/sites/${OWN_SITES[0]}`, { compliant: false });
    assert.equal(flag.status, 403);
    assert.equal(flag.body.field, 'compliant');
    const host = await call('site', 'PATCH', `/sites/${OWN_SITES[0]}`, {
      backend: { kind: 'slurm', restSocket: '/run/slurmrestd.sock' },
    });
    assert.equal(host.status, 403);
    assert.equal(host.body.field, 'backend.restSocket');
    const ok = await call('site', 'PATCH', `/sites/${OWN_SITES[0]}`, { status: 'up', compliant: true });
    assert.equal(ok.status, 200);
    assert.equal((await call('operator', 'PATCH', '/sites/beijing-edge', { compliant: true })).status, 200);
  });

  it('counts every refusal in /metrics, which only operators and regulators read', async () => {
    const text = (await call('regulator', 'GET', '/metrics')).raw;
    assert.match(text, /suanwang_auth_failures_total\{reason="missing"\} [1-9]/);
    assert.match(text, /suanwang_auth_failures_total\{reason="unknown_key"\} [1-9]/);
    assert.match(text, /suanwang_auth_denials_total\{role="tenant",route="POST \/sites",why="role"\} [1-9]/);
    assert.match(text, /suanwang_auth_denials_total\{role="tenant",route="GET \/tasks\/:id",why="scope"\} [1-9]/);
    assert.match(text, /suanwang_auth_denials_total\{role="site",route="PATCH \/sites\/:id",why="scope"\} [1-9]/);
    assert.match(text, /suanwang_http_requests_total\{method="GET",route="\/hubs",status="200"\}/);
  });
});
