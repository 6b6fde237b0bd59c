import assert from 'node:assert/strict';
import type { DeadLetter, QueueKeys, Store } from '@cachet/core/store';
import { assertBetween } from './assertions.js';
import { resolveTestApi, type ContractTestApi } from './contract-test-api.js';
import { append, openQueue, OWNER, readAll, write } from './queue-fixture.js';

/** Appends, delivers and dead-letters one write per key; returns the dead letters, oldest first. */
async function deadLetters(store: Store, keys: QueueKeys, itemKeys: string[]): Promise<DeadLetter[]> {
  for (const key of itemKeys) await append(store, keys, write(key));
  for (const entry of await readAll(store, keys)) {
    assert.equal(await store.queues.deadLetter(keys, entry, `failed ${entry.key}`, 3, OWNER), 'moved');
  }
  return store.queues.listDead(keys, 100);
}

/** The dead-letter half of the QueueStore contract: the move, listing, replay (unless superseded) and purge. */
export function queueDeadLetterContract(getStore: () => Store, test?: ContractTestApi): void {
  const { it } = resolveTestApi(test);

  it('dead-letters a delivered entry with its error in one step; gone when not pending; owner only', async () => {
    const store = getStore();
    const keys = await openQueue(store);
    const id = await append(store, keys, write('k'));
    const undelivered = { ...write('k'), id, version: id };
    assert.equal(await store.queues.deadLetter(keys, undelivered, 'early', 1, OWNER), 'gone', 'not delivered yet');
    const [entry] = await readAll(store, keys);
    assert.equal(await store.queues.deadLetter(keys, entry!, 'boom', 3, 'not-the-owner'), 'not-owner');
    const before = Date.now();
    assert.equal(await store.queues.deadLetter(keys, entry!, 'boom', 3, OWNER), 'moved');
    assert.deepEqual(await store.queues.depth(keys), { depth: 0, oldestAgeMs: null, deadLetters: 1 });
    assert.equal(await store.queues.pendingValue(keys, 'k'), null, 'the overlay no longer shows it');
    const [letter, ...none] = await store.queues.listDead(keys, 10);
    assert.deepEqual(none, []);
    const { deadId, failedAt, ...rest } = letter!;
    assert.deepEqual(rest, { ...write('k'), id, version: id, error: 'boom', attempts: 3 });
    assert.equal(typeof deadId, 'string');
    assertBetween(failedAt, before - 2_000, Date.now() + 2_000, 'failedAt (ms)');
    assert.equal(await store.queues.deadLetter(keys, entry!, 'again', 4, OWNER), 'gone', 'moved only once');
  });

  it('lists dead letters oldest first, a page at a time', async () => {
    const store = getStore();
    const keys = await openQueue(store);
    const letters = await deadLetters(store, keys, ['a', 'b', 'c']);
    assert.deepEqual(
      letters.map((letter) => letter.key),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      (await store.queues.listDead(keys, 2)).map((letter) => letter.key),
      ['a', 'b'],
    );
    assert.deepEqual(
      (await store.queues.listDead(keys, 10, letters[1]!.deadId)).map((letter) => letter.key),
      ['c'],
    );
  });

  it('replays a dead letter with its original version and overlay, unless a newer write of its key came after', async () => {
    const store = getStore();
    const keys = await openQueue(store);
    const [a, b] = await deadLetters(store, keys, ['a', 'b']);
    const newer = await append(store, keys, write('b', 'newer'));
    const outcome = await store.queues.replayDead(keys, undefined, 10);
    assert.deepEqual(outcome, { replayed: 1, superseded: [{ deadId: b!.deadId, id: b!.id, key: 'b' }] });
    assert.deepEqual(
      (await store.queues.listDead(keys, 10)).map((letter) => letter.deadId),
      [b!.deadId],
      'the superseded one stays dead-lettered',
    );
    const shown = await store.queues.pendingValue(keys, 'a');
    assert.equal(shown?.op, 'write');
    assert.notEqual(shown.id, a!.id, 'replayed as a new append');
    assert.deepEqual(shown.op === 'write' && shown.value, write('a').value);
    assert.deepEqual(await store.queues.pendingValue(keys, 'b'), {
      id: newer,
      op: 'write',
      value: Buffer.from('newer'),
    });
    const delivered = await readAll(store, keys);
    assert.deepEqual(
      delivered.map((entry) => [entry.key, entry.id, entry.version]),
      [
        ['b', newer, newer],
        ['a', shown.id, a!.id],
      ],
    );
    assert.deepEqual(await store.queues.replayDead(keys, undefined, 10), {
      replayed: 0,
      superseded: outcome.superseded,
    });
  });

  it('replays the dead letters named, or the oldest `limit`', async () => {
    const store = getStore();
    const keys = await openQueue(store);
    const [a, b, c] = await deadLetters(store, keys, ['a', 'b', 'c']);
    assert.deepEqual(await store.queues.replayDead(keys, [b!.deadId], 10), { replayed: 1, superseded: [] });
    assert.deepEqual(await store.queues.replayDead(keys, undefined, 1), { replayed: 1, superseded: [] });
    assert.deepEqual(
      (await store.queues.listDead(keys, 10)).map((letter) => letter.deadId),
      [c!.deadId],
    );
    assert.deepEqual(
      (await readAll(store, keys)).map((entry) => [entry.key, entry.version]),
      [
        ['b', b!.id],
        ['a', a!.id],
      ],
    );
    assert.equal((await store.queues.depth(keys)).deadLetters, 1);
  });

  it('purges the dead letters named, or all of them', async () => {
    const store = getStore();
    const keys = await openQueue(store);
    const [a] = await deadLetters(store, keys, ['a', 'b', 'c']);
    assert.equal(await store.queues.purgeDead(keys, [a!.deadId, '1-0']), 1, 'an unknown ID counts for nothing');
    assert.equal(await store.queues.purgeDead(keys, []), 0);
    assert.equal(await store.queues.purgeDead(keys, undefined), 2);
    assert.deepEqual(await store.queues.listDead(keys, 10), []);
    assert.equal((await store.queues.depth(keys)).deadLetters, 0);
  });
}
