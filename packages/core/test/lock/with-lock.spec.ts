import { Cluster, Redis } from 'ioredis';
import { LockLostError, LockTimeoutError } from '@cachet/core';
import { LockManager, MemoryLockStore, RedisConnection, RedisLockStore, type LockStore } from '@cachet/core/store';
import { testClusterNodes, testRedisUrl, sleep, uniqueNamespace } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';
import { STORE_KINDS, type StoreKind } from '../support/stores.js';

/** Two lock stores that see the same locks, as two app instances would (separate connections on Redis). */
interface LockFixture {
  stores: [LockStore, LockStore];
  client?: Redis | Cluster;
  close(): Promise<void>;
}

function openLockStores(kind: StoreKind): LockFixture {
  if (kind === 'memory') {
    const store = new MemoryLockStore();
    return { stores: [store, store], close: async () => undefined };
  }
  const open = () =>
    kind === 'redis'
      ? new Redis(testRedisUrl(), { enableAutoPipelining: true })
      : new Cluster(testClusterNodes(), { enableAutoPipelining: true });
  const clients = [open(), open()];
  const connections = clients.map((client) => RedisConnection.from(client, { commandTimeoutMs: 2_000 }));
  return {
    stores: [new RedisLockStore(connections[0]!), new RedisLockStore(connections[1]!)],
    client: clients[0],
    async close() {
      for (const connection of connections) await connection.close();
      for (const client of clients) await client.quit();
    },
  };
}

describe.each(STORE_KINDS)('withLock on %s', (kind) => {
  let fixture: LockFixture;
  let namespace: string;
  let managers: [LockManager, LockManager];

  beforeEach(() => {
    fixture = openLockStores(kind);
    namespace = uniqueNamespace('lk');
    managers = fixture.stores.map(
      (store) => new LockManager(store, { namespace, ttl: '2s', wait: '10s', logger: recordingLogger() }),
    ) as [LockManager, LockManager];
  });
  afterEach(() => fixture.close());

  it('admits one holder at a time under real concurrency (two instances × 15 callers)', async () => {
    let inside = 0;
    let maxInside = 0;
    let unsafeCounter = 0;
    const critical = async () => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      const read = unsafeCounter;
      await sleep(3);
      unsafeCounter = read + 1; // a lost update would show if two ran at once
      inside--;
    };
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => managers[i % 2]!.withLock('counter', critical, { wait: '20s' })),
    );
    expect(maxInside).toBe(1);
    expect(unsafeCounter).toBe(30);
    const stats = [managers[0].stats(), managers[1].stats()];
    expect(stats[0]!.acquired + stats[1]!.acquired).toBe(30);
    expect(stats[0]!.timeouts + stats[1]!.timeouts).toBe(0);
  });

  it('waiters are woken by the release message, not by the holder TTL running out', async () => {
    let release!: () => void;
    let held!: () => void;
    const holderInside = new Promise<void>((resolve) => (held = resolve));
    const holding = managers[0].withLock(
      'wake',
      () => {
        held();
        return new Promise<void>((resolve) => (release = resolve));
      },
      { ttl: '20s' },
    );
    await holderInside;
    const waiting = managers[1].withLock('wake', () => 'got it', { wait: '15s' });
    // Release only once the second manager has found the lock busy and had time to subscribe and sleep.
    while (managers[1].stats().waits === 0) await sleep(5);
    await sleep(200);
    release();
    await holding;
    expect(await waiting).toBe('got it');
    expect(managers[1].stats()).toMatchObject({ waits: 1, wakeUps: 1, timeouts: 0 });
  });

  it('extends the lock while fn runs longer than its TTL', async () => {
    let signal!: AbortSignal;
    const refusals: unknown[] = [];
    await managers[0].withLock(
      'long',
      async (lock) => {
        signal = lock.signal;
        for (let i = 0; i < 6; i++) {
          await sleep(200); // 1.2 s in all, four TTLs
          await managers[1].withLock('long', () => undefined, { wait: 0 }).catch((error) => refusals.push(error));
        }
      },
      { ttl: '300ms' },
    );
    expect(signal.aborted).toBe(false);
    expect(refusals).toHaveLength(6);
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(LockTimeoutError);
    // Released afterwards: the other instance gets it at once.
    await expect(managers[1].withLock('long', () => 'free', { wait: 0 })).resolves.toBe('free');
  });

  it('hands out strictly increasing fencing tokens across instances', async () => {
    const tokens: number[] = [];
    for (let i = 0; i < 20; i++) {
      await managers[i % 2]!.withLock('fenced', ({ fencingToken }) => void tokens.push(fencingToken));
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1]!);
    expect(Number.isSafeInteger(tokens.at(-1))).toBe(true);
    if (fixture.client) {
      const keys = managers[0].keys('fenced');
      // Every key has a TTL; and once the counter is gone, server time still keeps tokens increasing.
      expect(await fixture.client.pttl(keys.fence)).toBeGreaterThan(0);
      await fixture.client.del(keys.fence);
      const after = await managers[0].withLock('fenced', ({ fencingToken }) => fencingToken);
      expect(after).toBeGreaterThan(tokens.at(-1)!);
      const lockTtl = await managers[0].withLock('fenced', () => fixture.client!.pttl(keys.lock), { ttl: '5s' });
      expect(lockTtl).toBeGreaterThan(0);
      expect(lockTtl).toBeLessThanOrEqual(5_000);
    }
  });

  it('throws LockTimeoutError (code E_LOCK_TIMEOUT) when the lock stays busy for `wait`', async () => {
    let release!: () => void;
    let held!: () => void;
    const holderInside = new Promise<void>((resolve) => (held = resolve));
    const holding = managers[0].withLock('busy', () => {
      held();
      return new Promise<void>((resolve) => (release = resolve));
    });
    await holderInside; // the first manager really holds it (no guessing with a sleep on a busy machine)
    const error = await managers[1].withLock('busy', () => 'never', { wait: '300ms' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as LockTimeoutError).code).toBe('E_LOCK_TIMEOUT');
    expect(managers[1].stats().timeouts).toBe(1);
    release();
    await holding;
  });

  it('replaces a holder that died without releasing once its TTL runs out', async () => {
    // A holder that took the lock and vanished: no release, no extension, no message.
    const dead = managers[0].keys('orphan');
    const taken = await fixture.stores[0].acquire(dead, 'dead-holder', 600, 60_000);
    expect(taken.acquired).toBe(true);
    const started = performance.now();
    const result = await managers[1].withLock('orphan', ({ fencingToken }) => fencingToken, { wait: '10s' });
    const waited = performance.now() - started;
    expect(result).toBeGreaterThan((taken as { fencingToken: number }).fencingToken);
    expect(managers[1].stats()).toMatchObject({ acquired: 1, waits: 1, wakeUps: 0 });
    console.log(`lock (${kind}): dead holder (TTL 600 ms) replaced after ${Math.round(waited)} ms`);
  });

  it('aborts fn’s signal with LockLostError when another holder took the lock', async () => {
    const keys = managers[0].keys('stolen');
    const reason = await managers[0].withLock(
      'stolen',
      async ({ signal }) => {
        // Simulate the TTL running out during a long pause, and someone else taking the lock.
        await fixture.stores[1].release(keys, await currentToken(fixture, keys.lock), managers[0].channel, 'stolen');
        await fixture.stores[1].acquire(keys, 'intruder', 10_000, 60_000);
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return signal.reason as unknown;
      },
      { ttl: '300ms' },
    );
    expect(reason).toBeInstanceOf(LockLostError);
    expect(managers[0].stats().lost).toBe(1);
    // The intruder's lock was left alone by the lost holder.
    await expect(managers[1].withLock('stolen', () => 1, { wait: 0 })).rejects.toBeInstanceOf(LockTimeoutError);
  });
});

/** Reads the holder's token straight from the backend (test-only). */
async function currentToken(fixture: LockFixture, lockKey: string): Promise<string> {
  if (fixture.client) return (await fixture.client.get(lockKey))!;
  const kv = (fixture.stores[0] as unknown as { kv: { getString(key: string): string | null } }).kv;
  return kv.getString(lockKey)!;
}
