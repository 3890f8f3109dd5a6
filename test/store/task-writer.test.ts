import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { getTask, listTasks, type Store, TaskWriter } from '../../src/store/index.js';
import { task } from '../helpers/fixtures.js';
import { describeStores, freshStore } from '../helpers/stores.js';

/** The real store, counting its statements. */
function counting(store: Store): Store & { count: number } {
  const s = Object.create(store) as Store & { count: number };
  s.count = 0;
  s.query = <T>(text: string, params?: unknown[]) => {
    s.count++;
    return store.query<T>(text, params);
  };
  return s;
}

describeStores('task writer (group commit)', (kind) => {
  let store: Store;
  before(async () => {
    store = await freshStore(kind);
  });
  after(() => store.close());

  it('commits concurrent submissions in few transactions, answering each after its commit', async () => {
    const s = counting(store);
    const writer = new TaskWriter(s, { maxBatch: 200, maxDelayMs: 2 });
    const tasks = Array.from({ length: 1000 }, (_, i) => task({ tenantId: 'gc' }, 1_800_000_000 + i));
    let committedBeforeAck = 0;
    await Promise.all(
      tasks.map((t) =>
        writer.insert(t).then(async () => {
          if (await getTask(store, t.id)) committedBeforeAck++;
        }),
      ),
    );
    assert.equal(committedBeforeAck, 1000, 'every acknowledged task is readable');
    assert.ok(s.count >= 5 && s.count <= 60, `1000 rows in ${s.count} statements`);
    const page = await listTasks(store, { tenantId: 'gc' }, { limit: 500 });
    assert.equal(page.items.length, 500);
    assert.ok(page.nextCursor);
  });

  it('fails only the bad row of a batch', async () => {
    const writer = new TaskWriter(store, { maxDelayMs: 5 });
    const good = [task({ tenantId: 'iso' }), task({ tenantId: 'iso' })];
    const dup = { ...good[0]!, tenantId: 'iso-dup' }; // same id as a neighbour
    const results = await Promise.allSettled([writer.insert(good[0]!), writer.insert(dup), writer.insert(good[1]!)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal((await getTask(store, good[0]!.id))!.tenantId, 'iso');
    assert.ok(await getTask(store, good[1]!.id));
  });

  it('flush() waits for everything handed in', async () => {
    const writer = new TaskWriter(store, { maxDelayMs: 50 });
    const t = task({ tenantId: 'flush' });
    const p = writer.insert(t);
    await writer.flush();
    assert.ok(await getTask(store, t.id));
    await p;
    await writer.flush(); // idle: returns at once
  });
});
