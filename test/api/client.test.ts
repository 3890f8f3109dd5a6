import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { SuanwangApiError, SuanwangClient, SuanwangConnectionError } from '../../src/client/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Store } from '../../src/store/index.js';
import { operatorKey, T0 } from '../helpers/api.js';
import { newSite } from '../helpers/fixtures.js';
import { describeStores, freshStore } from '../helpers/stores.js';

describeStores('typed client over HTTP', (kind) => {
  let store: Store;
  let server: RunningServer;
  let client: SuanwangClient;
  before(async () => {
    store = await freshStore(kind);
    const clock = new ManualClock(T0);
    server = await startServer({ store, port: 0, clock });
    client = new SuanwangClient({ baseUrl: server.url, apiKey: await operatorKey(store, clock) });
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  it('reads the topology and the summary', async () => {
    assert.deepEqual(await client.health(), { status: 'ok' });
    assert.deepEqual(await client.ready(), { status: 'ok' });
    assert.equal((await client.hubs()).length, 8);
    assert.equal((await client.hub('chengyu')).side, 'east');
    assert.ok((await client.clusters({ hubId: 'guizhou' })).length >= 1);
    assert.equal((await client.city('chengdu')).hubId, 'chengyu');
    assert.ok((await client.pairings()).length > 0);
    assert.equal((await client.summary()).sites, 45);
    const lat = await client.latency('shanghai', 'guiyang');
    assert.ok(lat.rttMs > 0);
    const circle = await client.circle('shanghai', 3, 'city');
    assert.ok(circle.members.every((m) => m.kind === 'city'));
  });

  it('manages sites, telling created from updated', async () => {
    const site = newSite('client-site');
    const first = await client.registerSite(site);
    assert.equal(first.created, true);
    const second = await client.registerSite({ ...site, status: 'draining' });
    assert.equal(second.created, false);
    assert.equal(second.site.status, 'draining');
    const patched = await client.patchSite('client-site', { status: 'up' }, { expectedVersion: 2 });
    assert.equal(patched.version, 3);
    await assert.rejects(
      client.replaceSite('client-site', site, { expectedVersion: 1 }),
      (e: SuanwangApiError) => e.status === 409,
    );
    const ids: string[] = [];
    for await (const s of client.allSites({ limit: 7 })) ids.push(s.id);
    assert.equal(ids.length, 46);
    await client.deleteSite('client-site');
    await assert.rejects(
      client.getSite('client-site'),
      (e: SuanwangApiError) => e.status === 404 && e.error === 'not_found',
    );
  });

  it('submits, pages, cancels tasks and reports errors with their field', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        await client.submitTask({
          tenantId: 'sdk',
          kind: 'backup',
          resources: { storageTb: 2 },
          durationS: 600,
          originCity: 'shenzhen',
        }),
      );
    }
    const seen: string[] = [];
    for await (const t of client.allTasks({ tenantId: 'sdk', state: ['queued'], limit: 2 })) seen.push(t.id);
    assert.deepEqual(new Set(seen), new Set(made.map((t) => t.id)));
    const cancelled = await client.cancelTask(made[0]!.id, 'not needed');
    assert.equal(cancelled.state, 'cancelled');
    const detail = await client.getTask(made[0]!.id);
    assert.deepEqual(
      detail.history.map((e) => e.to),
      ['queued', 'cancelled'],
    );
    assert.deepEqual(await client.taskPlacements(made[0]!.id), []);
    assert.deepEqual((await client.listPlacements({ taskId: made[0]!.id })).items, []);
    await assert.rejects(
      client.submitTask({
        tenantId: 'sdk',
        kind: 'backup',
        resources: { storageTb: -2 },
        durationS: 600,
        originCity: 'shenzhen',
      }),
      (e: SuanwangApiError) => e instanceof SuanwangApiError && e.status === 400 && e.field === 'resources.storageTb',
    );
  });

  it('says when the server cannot be reached', async () => {
    const down = new SuanwangClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 });
    await assert.rejects(
      down.health(),
      (e: Error) => e instanceof SuanwangConnectionError && /127\.0\.0\.1:9/.test(e.message),
    );
  });
});
