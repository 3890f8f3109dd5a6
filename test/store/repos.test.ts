import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { DomainError } from '../../src/domain/errors.js';
import {
  changeTaskState,
  currentPlacement,
  deleteSite,
  getCluster,
  getHub,
  getSite,
  getTask,
  insertSite,
  insertTasks,
  listCities,
  listPlacements,
  listSites,
  listTasks,
  placementsOfTask,
  queuedTasks,
  recordPlacement,
  type Store,
  seedNationalTopology,
  storeCounts,
  taskEvents,
  updateSite,
  upsertSite,
} from '../../src/store/index.js';
import { loadNationalTopology } from '../../src/topology/load.js';
import { newSite, task } from '../helpers/fixtures.js';
import { describeStores, freshStore } from '../helpers/stores.js';

const T0 = 1_800_000_000;

function placement(taskId: string, siteId: string, decidedAtS: number) {
  return {
    taskId,
    siteId,
    startS: decidedAtS + 60,
    endS: decidedAtS + 3660,
    profile: 'balanced',
    score: {
      total: 0.3,
      parts: { carbon: 0.2, price: 0.4 },
      carbonG: 1200,
      costFen: 14400,
      latencyMs: 12,
      energyKwh: 3.5,
    },
    runnersUp: [
      {
        siteId: 'helinger-1',
        startS: decidedAtS,
        score: { total: 0.4, parts: {}, carbonG: 1, costFen: 2, latencyMs: 3, energyKwh: 4 },
      },
    ],
    explanation: 'cheapest green site within the latency bound',
    decidedAtS,
  };
}

describeStores('repositories', (kind) => {
  let store: Store;
  before(async () => {
    store = await freshStore(kind);
  });
  after(() => store.close());

  it('seeds the national topology once, idempotently, keeping API changes to sites', async () => {
    const topo = loadNationalTopology();
    const first = await seedNationalTopology(store, { atS: T0 });
    assert.deepEqual(first, {
      hubs: topo.hubs.length,
      clusters: topo.clusters.length,
      cities: topo.cities.length,
      pairings: topo.pairings.length,
      sitesAdded: topo.sites.length,
    });
    const site = (await getSite(store, 'zhangjiakou-1'))!;
    await updateSite(store, { ...site, status: 'draining' }, T0 + 1);
    const second = await seedNationalTopology(store, { atS: T0 + 2 });
    assert.equal(second.sitesAdded, 0);
    assert.equal((await getSite(store, 'zhangjiakou-1'))!.status, 'draining', 'reseeding kept the change');
    const counts = await storeCounts(store);
    assert.equal(counts.hubs, topo.hubs.length);
    assert.equal(counts.sites, topo.sites.length);
    assert.equal(counts.sitesByStatus.draining, 1);
    await updateSite(store, { ...site, status: 'up' }, T0 + 3);
  });

  it('reads hubs and clusters with their links derived from the tables', async () => {
    const hub = (await getHub(store, 'jingjinji'))!;
    const want = loadNationalTopology().hubs.find((h) => h.id === 'jingjinji')!;
    assert.deepEqual(hub, want);
    const cluster = (await getCluster(store, 'zhangjiakou'))!;
    assert.deepEqual(cluster.siteIds, ['zhangjiakou-1', 'zhangjiakou-2']);
    assert.equal(await getHub(store, 'atlantis'), null);
    const cities = await listCities(store, { hubId: 'jingjinji' });
    assert.ok(cities.some((c) => c.id === 'beijing'));
    assert.ok(cities.every((c) => c.hubId === 'jingjinji'));
  });

  it('inserts, reads, upserts, updates with versions and deletes sites', async () => {
    const s = newSite('test-a');
    const rec = await insertSite(store, s, T0);
    assert.equal(rec.version, 1);
    assert.equal(rec.createdAtS, T0);
    assert.deepEqual(
      { ...rec, version: 0, createdAtS: 0, updatedAtS: 0 },
      { ...s, version: 0, createdAtS: 0, updatedAtS: 0 },
    );
    await assert.rejects(insertSite(store, s, T0), (e: DomainError) => e.code === 'conflict' && e.field === 'id');
    await assert.rejects(
      insertSite(store, { ...newSite('test-b'), hubId: 'atlantis' }, T0),
      (e: DomainError) => e.code === 'validation' && e.field === 'hubId',
    );
    const up = await upsertSite(store, { ...s, pue: 1.11 }, T0 + 10);
    assert.equal(up.created, false);
    assert.equal(up.site.version, 2);
    assert.equal(up.site.pue, 1.11);
    assert.equal(up.site.createdAtS, T0);
    assert.equal(up.site.updatedAtS, T0 + 10);
    const created = await upsertSite(store, newSite('test-c'), T0);
    assert.equal(created.created, true);
    await assert.rejects(updateSite(store, { ...s, pue: 1.2 }, T0 + 20, 1), (e: DomainError) => e.code === 'conflict');
    const v3 = await updateSite(store, { ...s, pue: 1.2 }, T0 + 20, 2);
    assert.equal(v3.version, 3);
    await assert.rejects(updateSite(store, newSite('nope'), T0), (e: DomainError) => e.code === 'not_found');
    assert.equal(await deleteSite(store, 'test-c'), true);
    assert.equal(await deleteSite(store, 'test-c'), false);
    assert.equal(await getSite(store, 'test-c'), null);
  });

  it('pages sites by id with filters', async () => {
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await listSites(store, {}, { limit: 7, ...(cursor && { cursor }) });
      assert.ok(page.items.length <= 7);
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const ids = all.map((s) => s.id);
    assert.deepEqual(ids, [...ids].sort());
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, (await storeCounts(store)).sites);
    const edge = await listSites(store, { tier: 'edge', side: 'east' }, { limit: 500 });
    assert.ok(edge.items.length > 0);
    assert.ok(edge.items.every((s) => s.tier === 'edge' && s.side === 'east'));
    assert.equal(edge.nextCursor, null);
    await assert.rejects(listSites(store, {}, { limit: 5, cursor: '!!' }), (e: DomainError) => e.field === 'cursor');
  });

  it('inserts tasks with their first event, lists them newest first with cursors', async () => {
    const tasks = Array.from({ length: 25 }, (_, i) =>
      task({ tenantId: i % 2 ? 'acme' : 'globex', kind: i % 3 ? 'training' : 'inference' }, T0 + i),
    );
    await store.tx((sql) => insertTasks(sql, tasks));
    const one = (await getTask(store, tasks[0]!.id))!;
    assert.equal(one.state, 'queued');
    assert.equal(one.version, 1);
    assert.equal(one.siteId, null);
    assert.deepEqual(
      {
        ...one,
        state: undefined,
        siteId: undefined,
        stateReason: undefined,
        updatedAtS: undefined,
        version: undefined,
      },
      {
        ...tasks[0]!,
        state: undefined,
        siteId: undefined,
        stateReason: undefined,
        updatedAtS: undefined,
        version: undefined,
      },
    );
    assert.deepEqual(await taskEvents(store, one.id), [{ atS: T0, from: null, to: 'queued', reason: 'submitted' }]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listTasks(store, { tenantId: 'acme' }, { limit: 5, ...(cursor && { cursor }) });
      seen.push(...page.items.map((t) => t.id));
      assert.ok(page.items.every((t) => t.tenantId === 'acme'));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const acme = tasks.filter((t) => t.tenantId === 'acme').map((t) => t.id);
    assert.deepEqual(seen, [...acme].sort().reverse(), 'newest first, each once');
    const inference = await listTasks(store, { kind: 'inference', state: 'queued' }, { limit: 100 });
    assert.equal(inference.items.length, tasks.filter((t) => t.kind === 'inference').length);
    const q = await queuedTasks(store, 1000);
    assert.ok(q.length >= 25);
  });

  it('moves tasks through their lifecycle with events, versions and conflicts', async () => {
    const t = task({}, T0 + 100);
    await insertTasks(store, [t]);
    const placed = await changeTaskState(store, t.id, 'placed', {
      reason: 'placed by test',
      atS: T0 + 101,
      siteId: 'test-a',
      expectedVersion: 1,
    });
    assert.equal(placed.state, 'placed');
    assert.equal(placed.siteId, 'test-a');
    assert.equal(placed.version, 2);
    await assert.rejects(
      changeTaskState(store, t.id, 'running', { reason: null, atS: T0 + 102, expectedVersion: 1 }),
      (e: DomainError) => e.code === 'conflict' && e.field === 'version',
    );
    await assert.rejects(
      changeTaskState(store, t.id, 'succeeded', { reason: null, atS: T0 + 102 }),
      (e: DomainError) => e.code === 'conflict' && /is placed: it cannot become succeeded/.test(e.message),
    );
    await assert.rejects(
      changeTaskState(store, 't_missing', 'placed', { reason: null, atS: T0 }),
      (e: DomainError) => e.code === 'not_found',
    );
    // A site with an active task cannot be deleted.
    await assert.rejects(
      deleteSite(store, 'test-a'),
      (e: DomainError) => e.code === 'conflict' && /1 active task/.test(e.message),
    );
    await changeTaskState(store, t.id, 'running', { reason: 'started', atS: T0 + 103 });
    const done = await changeTaskState(store, t.id, 'succeeded', { reason: 'exit 0', atS: T0 + 104 });
    assert.equal(done.stateReason, 'exit 0');
    assert.equal(done.siteId, 'test-a', 'site kept when not given');
    await assert.rejects(changeTaskState(store, t.id, 'cancelled', { reason: null, atS: T0 + 105 }), /is succeeded/);
    assert.deepEqual(
      (await taskEvents(store, t.id)).map((e) => [e.from, e.to, e.atS]),
      [
        [null, 'queued', T0 + 100],
        ['queued', 'placed', T0 + 101],
        ['placed', 'running', T0 + 103],
        ['running', 'succeeded', T0 + 104],
      ],
    );
  });

  it('keeps placement history with one current placement per task', async () => {
    const t = task({}, T0 + 200);
    await insertTasks(store, [t]);
    const p1 = await store.tx(async (sql) => {
      const p = await recordPlacement(sql, placement(t.id, 'test-a', T0 + 201));
      await changeTaskState(sql, t.id, 'placed', { reason: 'placed', atS: T0 + 201, siteId: 'test-a' });
      return p;
    });
    assert.equal(p1.superseded, false);
    const p2 = await recordPlacement(store, placement(t.id, 'helinger-1', T0 + 300));
    const history = await placementsOfTask(store, t.id);
    assert.deepEqual(
      history.map((p) => [p.id, p.siteId, p.superseded]),
      [
        [p1.id, 'test-a', true],
        [p2.id, 'helinger-1', false],
      ],
    );
    const cur = (await currentPlacement(store, t.id))!;
    assert.equal(cur.id, p2.id);
    assert.deepEqual(cur.score, placement(t.id, 'x', 0).score);
    assert.equal(cur.runnersUp[0]!.siteId, 'helinger-1');
    assert.equal(cur.decidedAtS, T0 + 300);
    const bySite = await listPlacements(store, { siteId: 'test-a' }, { limit: 10 });
    assert.deepEqual(
      bySite.items.map((p) => p.id),
      [p1.id],
    );
    const current = await listPlacements(store, { taskId: t.id, current: true }, { limit: 10 });
    assert.deepEqual(
      current.items.map((p) => p.id),
      [p2.id],
    );
    const page1 = await listPlacements(store, { taskId: t.id }, { limit: 1 });
    assert.deepEqual(
      page1.items.map((p) => p.id),
      [p2.id],
    );
    const page2 = await listPlacements(store, { taskId: t.id }, { limit: 1, cursor: page1.nextCursor! });
    assert.deepEqual(
      page2.items.map((p) => p.id),
      [p1.id],
    );
    assert.equal(page2.nextCursor, null);
  });

  it('rolls a failed transaction back completely', async () => {
    const t = task({}, T0 + 400);
    await assert.rejects(
      store.tx(async (sql) => {
        await insertTasks(sql, [t]);
        await recordPlacement(sql, placement(t.id, 'test-a', T0 + 401));
        throw new DomainError('conflict', 'changed my mind');
      }),
    );
    assert.equal(await getTask(store, t.id), null);
    assert.deepEqual(await placementsOfTask(store, t.id), []);
  });
});
