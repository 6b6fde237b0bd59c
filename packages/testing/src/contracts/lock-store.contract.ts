import assert from 'node:assert/strict';
import { KeySpace, type Store } from '@cachet/core/store';
import { sleep } from '../sleep.js';
import { uniqueNamespace } from '../unique-namespace.js';
import { waitUntil } from '../wait-until.js';
import { assertBetween, DELIVERY_TIMEOUT_MS, recorder } from './assertions.js';
import { resolveTestApi, type ContractTestApi } from './contract-test-api.js';

const FENCE_TTL_MS = 60_000;

/**
 * The behaviour every LockStore must have: one holder per name, the holder's
 * token alone extends and releases (compare-and-pexpire, compare-and-delete),
 * a real release wakes waiters on the bus, and fencing tokens only grow —
 * even after their counter expired.
 */
export function lockStoreContract(getStore: () => Store, test?: ContractTestApi): void {
  const { it } = resolveTestApi(test);
  const lockKeys = (name: string) => new KeySpace(uniqueNamespace('lk')).lock(name);

  it('grants a lock to one of many concurrent acquirers; the others are told the time left', async () => {
    const { locks } = getStore();
    const keys = lockKeys('contended');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => locks.acquire(keys, `token-${i}`, 5_000, FENCE_TTL_MS)),
    );
    assert.equal(results.filter((result) => result.acquired).length, 1, 'exactly one holder');
    for (const result of results) {
      if (!result.acquired) assertBetween(result.remainingMs, 1, 5_000, 'remainingMs of a refused acquire');
    }
  });

  it('hands out fencing tokens that strictly increase across holders, and after their counter expired', async () => {
    const { locks } = getStore();
    const keys = lockKeys('fenced');
    const tokens: number[] = [];
    for (const [i, fenceTtlMs] of [FENCE_TTL_MS, FENCE_TTL_MS, 1].entries()) {
      const result = await locks.acquire(keys, `holder-${i}`, 5_000, fenceTtlMs);
      assert.ok(result.acquired, `holder-${i} acquires the free lock`);
      assert.ok(Number.isSafeInteger(result.fencingToken), `fencing token ${result.fencingToken} is a safe integer`);
      tokens.push(result.fencingToken);
      assert.equal(await locks.release(keys, `holder-${i}`, 'unused', 'fenced'), true);
    }
    await sleep(20); // the last counter (TTL 1 ms) is gone
    const after = await locks.acquire(keys, 'after-expiry', 5_000, FENCE_TTL_MS);
    assert.ok(after.acquired);
    tokens.push(after.fencingToken);
    for (let i = 1; i < tokens.length; i++) {
      assert.ok(tokens[i]! > tokens[i - 1]!, `fencing tokens increase: ${tokens.join(' < ')}`);
    }
  });

  it('extends only for the holder, resetting the TTL; a lapsed lock cannot be extended', async () => {
    const { locks } = getStore();
    const keys = lockKeys('extended');
    assert.ok((await locks.acquire(keys, 'holder', 600, FENCE_TTL_MS)).acquired);
    assert.equal(await locks.extend(keys, 'intruder', 5_000), false);
    assert.equal(await locks.extend(keys, 'holder', 5_000), true);
    await sleep(700); // past the first TTL
    const refused = await locks.acquire(keys, 'late', 5_000, FENCE_TTL_MS);
    assert.ok(!refused.acquired, 'still held after its original TTL');
    assertBetween(refused.remainingMs, 1, 5_000, 'remainingMs after the extension');

    const lapsing = lockKeys('lapsing');
    assert.ok((await locks.acquire(lapsing, 'holder', 50, FENCE_TTL_MS)).acquired);
    await sleep(120);
    assert.equal(await locks.extend(lapsing, 'holder', 5_000), false, 'a lapsed lock is not revived');
    assert.ok((await locks.acquire(lapsing, 'next', 5_000, FENCE_TTL_MS)).acquired);
  });

  it("releases only for the holder's token, and only a real release wakes waiters", async () => {
    const { locks } = getStore();
    const keys = lockKeys('released');
    const channel = `${uniqueNamespace('lk')}:lk`;
    const heard = recorder();
    const unsubscribe = await locks.bus.subscribe(channel, heard.handler);
    try {
      assert.ok((await locks.acquire(keys, 'holder', 5_000, FENCE_TTL_MS)).acquired);
      assert.equal(await locks.release(keys, 'intruder', channel, 'released'), false);
      assert.ok(!(await locks.acquire(keys, 'waiter', 5_000, FENCE_TTL_MS)).acquired, 'a wrong token frees nothing');
      assert.equal(await locks.release(keys, 'holder', channel, 'released'), true);
      await waitUntil(() => heard.messages.length > 0, { timeoutMs: DELIVERY_TIMEOUT_MS, what: 'the release message' });
      assert.ok((await locks.acquire(keys, 'waiter', 5_000, FENCE_TTL_MS)).acquired, 'free once released');
      assert.equal(await locks.release(keys, 'holder', channel, 'released'), false, 'the old holder cannot free it');
      assert.ok(!(await locks.acquire(keys, 'third', 5_000, FENCE_TTL_MS)).acquired, 'the new holder keeps it');
      await sleep(50); // a message from a refused release would have arrived by now
      assert.deepEqual(heard.messages, ['released']);
    } finally {
      await unsubscribe();
    }
  });

  it('lets a lock lapse after its TTL; the lapsed holder can no longer release it', async () => {
    const { locks } = getStore();
    const keys = lockKeys('lapse');
    assert.ok((await locks.acquire(keys, 'first', 100, FENCE_TTL_MS)).acquired);
    await sleep(150);
    assert.ok((await locks.acquire(keys, 'second', 5_000, FENCE_TTL_MS)).acquired);
    assert.equal(await locks.release(keys, 'first', 'unused', 'lapse'), false);
    assert.equal(await locks.extend(keys, 'second', 5_000), true);
  });
}
