import assert from 'node:assert/strict';
import type { Store } from '@cachet/core/store';
import { sleep } from '../sleep.js';
import { assertBetween, compareStreamIds } from './assertions.js';
import { resolveTestApi, type ContractTestApi } from './contract-test-api.js';
import { queueDeadLetterContract } from './queue-dead-letter.contract.js';
import { append, openQueue, OWNER, readAll, write } from './queue-fixture.js';

/**
 * The behaviour every QueueStore must have (the durable queue behind
 * write-behind): bounded appends, the pending overlay, delivery to the
 * holder of the owner lease only, claim, acknowledge, dead letters and
 * their replay, and the backlog figures.
 */
export function queueStoreContract(getStore: () => Store, test?: ContractTestApi): void {
  const { it } = resolveTestApi(test);

  it('appends with increasing stream IDs until maxPending, then refuses with the depth, writing nothing', async () => {
    const store = getStore();
    const keys = await openQueue(store);
    const ids: string[] = [];
    for (const key of ['a', 'b', 'c']) {
      const result = await store.queues.append(keys, write(key), 3);
      assert.ok(result.accepted);
      ids.push(result.id);
    }
    assert.ok(compareStreamIds(ids[0]!, ids[1]!) < 0 && compareStreamIds(ids[1]!, ids[2]!) < 0, ids.join(' < '));
    assert.deepEqual(await store.queues.append(keys, write('refused'), 3), { accepted: false, depth: 3 });
    assert.equal(await store.queues.pendingValue(keys, 'refused'), null, 'a refused append shows nothing');
    assert.equal((await store.queues.depth(keys)).depth, 3);
    assert.ok((await store.queues.append(keys, write('unbounded'), 0)).accepted, 'maxPending 0: no bound');
  });

  it("shows a key's newest pending write in the overlay: a value, a delete, or nothing for a write without one", async () => {
    const store = getStore();
    const keys = await openQueue(store);
    assert.equal(await store.queues.pendingValue(keys, 'k'), null);
    const first = await append(store, keys, write('k', 'v1'));
    assert.deepEqual(await store.queues.pendingValue(keys, 'k'), { id: first, op: 'write', value: Buffer.from('v1') });
    const second = await append(store, keys, write('k', 'v2'));
    assert.deepEqual(await store.queues.pendingValue(keys, 'k'), { id: second, op: 'write', value: Buffer.from('v2') });
    const deleted = await append(store, keys, { key: 'k', op: 'delete', args: Buffer.from('d'), value: null });
    assert.deepEqual(await store.queues.pendingValue(keys, 'k'), { id: deleted, op: 'delete' });
    await append(store, keys, write('k', null));
    assert.equal(await store.queues.pendingValue(keys, 'k'), null, 'no older value left on show');
    assert.equal(await store.queues.pendingValue(keys, 'other'), null);
  });

  it('delivers new entries to the owner only, oldest first, at most `count`, never twice', async () => {
    const store = getStore();
    const keys = await openQueue(store);
    const ids = [];
    for (const key of ['a', 'b', 'c', 'd', 'e']) ids.push(await append(store, keys, write(key)));
    assert.equal(await store.queues.readNew(keys, 'flusher', 10, 'not-the-owner'), null);
    const first = await store.queues.readNew(keys, 'flusher', 2, OWNER);
    assert.ok(first);
    assert.deepEqual(first.entries, [
      { ...write('a'), id: ids[0], version: ids[0] },
      { ...write('b'), id: ids[1], version: ids[1] },
    ]);
    assert.equal(first.othersPending, false);
    const rest = await store.queues.readNew(keys, 'flusher', 10, OWNER);
    assert.deepEqual(
      rest?.entries.map((entry) => entry.id),
      ids.slice(2),
    );
    assert.deepEqual((await store.queues.readNew(keys, 'flusher', 10, OWNER))?.entries, []);
    const other = await store.queues.readNew(keys, 'another', 10, OWNER);
    assert.deepEqual(other, { entries: [], othersPending: true }, "another consumer's entries are orphans");
  });

  it('claims delivered entries idle for long enough, oldest first, for the owner only', async () => {
    const store = getStore();
    const keys = await openQueue(store);
    const ids = [];
    for (const key of ['a', 'b', 'c']) ids.push(await append(store, keys, write(key)));
    await readAll(store, keys, 'crashed');
    assert.equal(await store.queues.claim(keys, 'flusher', 'not-the-owner', 0), null);
    assert.deepEqual(await store.queues.claim(keys, 'flusher', OWNER, 60_000), [], 'not idle for a minute yet');
    const claimed = await store.queues.claim(keys, 'flusher', OWNER, 0);
    assert.deepEqual(
      claimed?.map((entry) => [entry.id, entry.key, entry.version]),
      ids.map((id, i) => [id, ['a', 'b', 'c'][i], id]),
    );
    assert.equal((await store.queues.readNew(keys, 'flusher', 10, OWNER))?.othersPending, false, 'all held now');
  });

  it('acknowledges for the owner only, clearing the overlay only where it still shows the acknowledged entry', async () => {
    const store = getStore();
    const keys = await openQueue(store);
    const first = await append(store, keys, write('k', 'v1'));
    const other = await append(store, keys, write('other'));
    const newer = await append(store, keys, write('k', 'v2'));
    await readAll(store, keys);
    assert.equal(await store.queues.ack(keys, [{ id: first, key: 'k' }], 'not-the-owner'), false);
    assert.equal((await store.queues.depth(keys)).depth, 3, 'a refused ack settles nothing');
    assert.equal(
      await store.queues.ack(
        keys,
        [
          { id: first, key: 'k' },
          { id: other, key: 'other' },
        ],
        OWNER,
      ),
      true,
    );
    assert.equal((await store.queues.depth(keys)).depth, 1);
    assert.deepEqual(await store.queues.pendingValue(keys, 'k'), { id: newer, op: 'write', value: Buffer.from('v2') });
    assert.equal(await store.queues.pendingValue(keys, 'other'), null);
    assert.equal(await store.queues.ack(keys, [{ id: newer, key: 'k' }], OWNER), true);
    assert.deepEqual(await store.queues.depth(keys), { depth: 0, oldestAgeMs: null, deadLetters: 0 });
    assert.equal(await store.queues.pendingValue(keys, 'k'), null);
    assert.equal(await store.queues.ack(keys, [], OWNER), true);
  });

  it("measures the backlog: depth, the oldest entry's age on the store's clock, dead letters", async () => {
    const store = getStore();
    const keys = await openQueue(store);
    assert.deepEqual(await store.queues.depth(keys), { depth: 0, oldestAgeMs: null, deadLetters: 0 });
    await append(store, keys, write('a'));
    await sleep(60);
    await append(store, keys, write('b'));
    const depth = await store.queues.depth(keys);
    assert.equal(depth.depth, 2);
    assert.equal(depth.deadLetters, 0);
    assertBetween(depth.oldestAgeMs ?? -1, 50, 5_000, 'age of the oldest entry');
  });

  it('refuses every settling call of a flusher whose owner lease was taken over', async () => {
    const store = getStore();
    const keys = await openQueue(store, 500);
    const id = await append(store, keys, write('k'));
    const [entry] = await readAll(store, keys, 'stalled');
    await sleep(600); // the stalled flusher's lease lapses; another instance takes over
    assert.ok((await store.queues.locks.acquire(keys.owner, 'successor', 30_000, 60_000)).acquired);
    assert.equal(await store.queues.readNew(keys, 'stalled', 10, OWNER), null);
    assert.equal(await store.queues.claim(keys, 'stalled', OWNER, 0), null);
    assert.equal(await store.queues.ack(keys, [{ id, key: 'k' }], OWNER), false);
    assert.equal(await store.queues.deadLetter(keys, entry!, 'late', 1, OWNER), 'not-owner');
    assert.equal((await store.queues.depth(keys)).depth, 1, 'the entry is still pending');
    const claimed = await store.queues.claim(keys, 'successor', 'successor', 0);
    assert.deepEqual(
      claimed?.map((taken) => taken.id),
      [id],
    );
    assert.equal(await store.queues.ack(keys, [{ id, key: 'k' }], 'successor'), true);
    assert.equal((await store.queues.depth(keys)).depth, 0);
  });

  it('states its durability as a list of sentences', async () => {
    const warnings = await getStore().queues.durabilityWarnings();
    assert.ok(Array.isArray(warnings));
    for (const warning of warnings) assert.equal(typeof warning, 'string');
  });

  queueDeadLetterContract(getStore, test);
}
