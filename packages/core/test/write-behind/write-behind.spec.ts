import { PGlite } from '@electric-sql/pglite';
import { Cluster, Redis } from 'ioredis';
import {
  type WriteBehindEngine,
  WriteBehindError,
  createWriteBehind,
  type CreateWriteBehindOptions,
  type WriteBehindItem,
  type WriteBehindQueueOptions,
} from '@cachet/core';
import { MemoryQueueStore, RedisConnection, RedisQueueStore, type QueueStore } from '@cachet/core/store';
import { testClusterNodes, testRedisUrl, sleep, uniqueNamespace } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';
import { PgliteUsers } from './pglite-persister.js';
import { STORE_KINDS } from '../support/stores.js';

let db: PGlite;
let tables = 0;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
});
afterAll(() => db.close());

describe.each(STORE_KINDS)('write-behind on %s', (kind) => {
  let queues: QueueStore;
  let close: () => Promise<void>;
  let engines: WriteBehindEngine[];
  let users: PgliteUsers;
  let namespace: string;

  beforeEach(async () => {
    engines = [];
    namespace = uniqueNamespace('wb');
    users = await PgliteUsers.open(db, `users_${kind}_${tables++}`);
    if (kind === 'memory') {
      queues = new MemoryQueueStore();
      close = async () => undefined;
      return;
    }
    const client =
      kind === 'redis'
        ? new Redis(testRedisUrl(), { enableAutoPipelining: true })
        : new Cluster(testClusterNodes(), { enableAutoPipelining: true });
    const connection = RedisConnection.from(client, { commandTimeoutMs: 5_000 });
    queues = new RedisQueueStore(connection);
    close = async () => {
      await connection.close();
      await client.quit();
    };
  });
  afterEach(async () => {
    for (const engine of engines) await engine.close({ timeoutMs: 2_000 });
    await close();
  });

  /** An engine on the shared store; `options` are the queue defaults. */
  function engine(
    options: WriteBehindQueueOptions & Pick<CreateWriteBehindOptions, 'serializer'> = {},
  ): WriteBehindEngine {
    const created = createWriteBehind({
      store: { queues },
      namespace,
      logger: recordingLogger(),
      backoff: { initial: '10ms', max: '50ms' },
      ...options,
    });
    engines.push(created);
    return created;
  }

  const write = (wb: WriteBehindEngine, key: string, name: string, queue = 'users') =>
    wb.append(queue, { key, args: [{ name }], value: { name } });

  it('batches: one statement per batch (≤ writes / batch size + 1), every write persisted', async () => {
    const wb = engine({ batch: { size: 100, interval: '50ms' } });
    for (let i = 0; i < 250; i++) await write(wb, `user:${i}`, `name ${i}`);
    wb.registerHandler('users', { handleBatch: (items) => users.persist(items) });
    await wb.start();
    await wb.drain(10_000);
    const rows = await users.rows();
    expect(rows.size).toBe(250);
    expect(rows.get('user:249')!.name).toBe('name 249');
    expect(users.statements).toBeLessThanOrEqual(250 / 100 + 1);
    const stats = await wb.stats('users');
    expect(stats).toMatchObject({ depth: 0, oldestPendingAgeMs: null, flushed: 250, appended: 250, flushing: true });
    console.log(`write-behind (${kind}): 250 writes, batch 100 → ${users.statements} statements`);
  });

  it('coalesces per key: last write wins, a trailing delete is not overtaken', async () => {
    const wb = engine({ coalesce: true, batch: { size: 1_000, interval: '50ms' } });
    for (let round = 0; round < 10; round++) {
      for (let user = 0; user < 5; user++) await write(wb, `user:${user}`, `round ${round}`);
    }
    await wb.append('users', { key: 'user:4', args: [{ name: 'gone' }], op: 'delete' });
    const seen: WriteBehindItem[] = [];
    wb.registerHandler('users', {
      handleBatch: async (items) => {
        seen.push(...items);
        await users.persist(items);
      },
    });
    await wb.start();
    await wb.drain(10_000);
    const rows = await users.rows();
    expect([...rows.keys()].sort()).toEqual(['user:0', 'user:1', 'user:2', 'user:3']);
    for (const row of rows.values()) expect(row).toEqual({ name: 'round 9', writes: 1 });
    expect(seen).toHaveLength(5);
    expect(seen.find((item) => item.key === 'user:4')).toMatchObject({ op: 'delete', coalesced: 11 });
    expect((await wb.stats('users')).flushed).toBe(51);
  });

  it('keeps per-key order, also when an earlier write of the key fails and is retried', async () => {
    const wb = engine({ batch: { size: 7, interval: '20ms' } });
    for (let seq = 1; seq <= 12; seq++) {
      for (const user of ['a', 'b', 'c']) await write(wb, `user:${user}`, String(seq));
    }
    const order = new Map<string, number[]>();
    let failuresLeft = 2;
    wb.registerHandler('users', {
      handle: async (item) => {
        const seq = Number((item.args[0] as { name: string }).name);
        if (item.key === 'user:b' && seq === 3 && failuresLeft-- > 0) throw new Error('deadlock detected');
        order.set(item.key, [...(order.get(item.key) ?? []), seq]);
        await users.persist([item]);
      },
    });
    await wb.start();
    await wb.drain(10_000);
    const expected = Array.from({ length: 12 }, (_, i) => i + 1);
    for (const user of ['a', 'b', 'c']) expect(order.get(`user:${user}`)).toEqual(expected);
    expect((await users.rows()).get('user:b')!.name).toBe('12');
    expect((await wb.stats('users')).retried).toBe(2);
  });

  it('retries with backoff, dead-letters after maxAttempts with the error, and replays', async () => {
    const wb = engine({ maxAttempts: 3, batch: { size: 10, interval: '20ms' } });
    for (let i = 0; i < 6; i++) await write(wb, `user:${i}`, `name ${i}`);
    let poisonFixed = false;
    let poisonCalls = 0;
    wb.registerHandler('users', {
      handleBatch: async (items) => {
        if (!poisonFixed && items.some((item) => item.key === 'user:3')) {
          poisonCalls++;
          throw new Error('value too long for type character varying(8)');
        }
        await users.persist(items);
      },
    });
    await wb.start();
    await wb.drain(10_000);
    expect((await users.rows()).size).toBe(5);
    expect(poisonCalls).toBe(4); // the batch once, then the item alone three times
    expect(await wb.countDeadLetters('users')).toBe(1);
    const [letter] = await wb.deadLetters('users');
    expect(letter).toMatchObject({ key: 'user:3', attempts: 3, args: [{ name: 'name 3' }] });
    expect(letter!.error).toContain('value too long');
    expect(await wb.pendingValue('users', 'user:3')).toBeUndefined();
    const stats = await wb.stats('users');
    expect(stats).toMatchObject({ deadLettered: 1, retried: 2, deadLetters: 1, depth: 0 });

    poisonFixed = true;
    expect(await wb.replayDeadLetters('users')).toEqual({ replayed: 1, superseded: [] });
    expect(await wb.countDeadLetters('users')).toBe(0);
    await wb.drain(10_000);
    expect((await users.rows()).get('user:3')!.name).toBe('name 3');
  });

  it('pushes back at maxPending: an error with onFull "error", a wait with onFull "wait"; never a drop', async () => {
    const strict = engine({ maxPending: 5, onFull: 'error' });
    for (let i = 0; i < 5; i++) await write(strict, `user:${i}`, `n${i}`);
    const refused = await write(strict, 'user:5', 'n5').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WriteBehindError);
    expect((refused as WriteBehindError).message).toContain('queue full');
    expect((await strict.stats('users')).depth).toBe(5);

    const patient = engine({ maxPending: 5, onFull: 'wait', fullWait: '20s', batch: { size: 2, interval: '20ms' } });
    const waiting = write(patient, 'user:6', 'n6');
    let settled = false;
    void waiting.then(() => (settled = true));
    await sleep(150);
    expect(settled).toBe(false);
    patient.registerHandler('users', { handleBatch: (items) => users.persist(items) });
    await patient.start();
    await waiting;
    await patient.drain(10_000);
    const rows = await users.rows();
    expect([...rows.keys()].sort()).toEqual(['user:0', 'user:1', 'user:2', 'user:3', 'user:4', 'user:6']);
  });

  it('shows the pending value of a key until it is persisted (read-your-writes past a short cache TTL)', async () => {
    const wb = engine({ batch: { size: 10, interval: '20ms' } });
    await write(wb, 'user:1', 'first');
    await write(wb, 'user:1', 'second');
    await wb.append('users', { key: 'user:2', args: [{ name: 'x' }], op: 'delete' });
    expect(await wb.pendingValue('users', 'user:1')).toEqual({ op: 'write', value: { name: 'second' } });
    expect(await wb.pendingValue('users', 'user:2')).toEqual({ op: 'delete' });
    expect(await wb.pendingValue('users', 'user:3')).toBeUndefined();
    const stats = await wb.stats('users');
    expect(stats.depth).toBe(3);
    expect(stats.oldestPendingAgeMs).toBeGreaterThanOrEqual(0);
    wb.registerHandler('users', { handleBatch: (items) => users.persist(items) });
    await wb.start();
    await wb.drain(10_000);
    expect(await wb.pendingValue('users', 'user:1')).toBeUndefined();
    expect(await wb.pendingValue('users', 'user:2')).toBeUndefined();
  });

  it('refuses appends after close, and an unserializable call is a WriteBehindError before anything is written', async () => {
    const wb = engine({ serializer: 'json' });
    const bad = await wb.append('users', { key: 'user:1', args: [10n], value: { name: 'x' } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(WriteBehindError);
    expect((bad as WriteBehindError).message).toContain('cannot serialize');
    expect((await wb.stats('users')).depth).toBe(0);
    await wb.close();
    await expect(write(wb, 'user:2', 'late')).rejects.toBeInstanceOf(WriteBehindError);
  });
});

describe('write-behind durability check at start', () => {
  it('warns when maxmemory-policy is allkeys-* and when persistence is off', async () => {
    const { startRedis } = await import('@cachet/testing');
    const server = await startRedis({ args: ['--maxmemory-policy', 'allkeys-lru', '--save', ''] });
    const logger = recordingLogger();
    const wb = createWriteBehind({ redis: server.url, namespace: uniqueNamespace('wbd'), logger });
    try {
      await wb.start();
      const warnings = logger.lines.filter((line) => line.startsWith('warn'));
      expect(warnings.some((line) => line.includes('maxmemory-policy is allkeys-lru'))).toBe(true);
      expect(warnings.some((line) => line.includes('persistence is off'))).toBe(true);
    } finally {
      await wb.close();
      await server.stop();
    }
  });

  it('stays quiet on noeviction with the append-only file on', async () => {
    const { startRedis } = await import('@cachet/testing');
    const server = await startRedis({ appendOnly: true });
    const logger = recordingLogger();
    const wb = createWriteBehind({ redis: server.url, namespace: uniqueNamespace('wbd'), logger });
    try {
      await wb.start();
      expect(logger.lines.filter((line) => line.startsWith('warn'))).toEqual([]);
    } finally {
      await wb.close();
      await server.stop();
    }
  });
});
