import { Cluster, Redis } from 'ioredis';
import { createWriteBehind, type WriteBehindEngine } from '@cachet/core';
import { MemoryQueueStore, RedisConnection, RedisQueueStore, type QueueStore } from '@cachet/core/store';
import { testClusterNodes, testRedisUrl, uniqueNamespace, waitUntil } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';
import { STORE_KINDS } from '../support/stores.js';

function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  return waitUntil(check, { what, timeoutMs, intervalMs: 10 });
}

/** Replaying a dead letter must never bring back a value older than a write of its key made after it. */
describe.each(STORE_KINDS)('replaying dead letters on %s', (kind) => {
  let queues: QueueStore;
  let close: () => Promise<void>;
  let wb: WriteBehindEngine;
  /** What the persister stored, in order: `key=name`. */
  let persisted: string[];
  let failing: Set<string>;
  let gate: Promise<void> | undefined;

  beforeEach(async () => {
    persisted = [];
    failing = new Set();
    gate = undefined;
    if (kind === 'memory') {
      queues = new MemoryQueueStore();
      close = async () => undefined;
    } else {
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
    }
    wb = createWriteBehind({
      store: { queues },
      namespace: uniqueNamespace('dl'),
      logger: recordingLogger(),
      maxAttempts: 1,
      batch: { size: 10, interval: '10ms' },
    });
    wb.registerHandler('users', {
      handle: async (item) => {
        const name = (item.args[0] as { name: string }).name;
        if (failing.has(name)) throw new Error(`refused ${name}`);
        if (name === 'v2') await gate;
        persisted.push(`${item.key}=${name}`);
      },
    });
    await wb.start();
  });
  afterEach(async () => {
    gate = undefined;
    await wb.close({ timeoutMs: 2_000 });
    await close();
  });

  const write = (name: string) => wb.append('users', { key: 'user:1', args: [{ name }], value: { name } });

  async function deadLetterV1(): Promise<void> {
    failing.add('v1');
    await write('v1');
    await until(async () => (await wb.countDeadLetters('users')) === 1, 'v1 dead-lettered');
    failing.clear();
  }

  it('does not replay it over a newer write that was already persisted', async () => {
    await deadLetterV1();
    await write('v2');
    await until(async () => (await wb.stats('users')).depth === 0, 'v2 persisted');
    const outcome = await wb.replayDeadLetters('users');
    // The newer value is persisted: nothing may show (let alone persist) the older one again.
    expect(await wb.pendingValue('users', 'user:1')).toBeUndefined();
    await wb.drain(5_000);
    expect(persisted).toEqual(['user:1=v2']);
    expect(outcome).toMatchObject({ replayed: 0, superseded: [{ key: 'user:1' }] });
    expect(await wb.countDeadLetters('users')).toBe(1); // kept, for the operator to inspect or purge
  });

  it('does not replay it behind a newer write that is still pending', async () => {
    await deadLetterV1();
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    await write('v2'); // held by the persister until the gate opens
    const outcome = await wb.replayDeadLetters('users');
    expect(await wb.pendingValue('users', 'user:1')).toEqual({ op: 'write', value: { name: 'v2' } });
    open();
    await until(async () => (await wb.stats('users')).depth === 0, 'queue drained');
    expect(persisted).toEqual(['user:1=v2']);
    expect(outcome).toMatchObject({ replayed: 0, superseded: [{ key: 'user:1' }] });
  });

  it('replays it when it is still the newest write of its key', async () => {
    await deadLetterV1();
    const outcome = await wb.replayDeadLetters('users');
    expect(outcome).toEqual({ replayed: 1, superseded: [] });
    await until(async () => (await wb.stats('users')).depth === 0, 'replay persisted');
    expect(persisted).toEqual(['user:1=v1']);
    expect(await wb.countDeadLetters('users')).toBe(0);
    expect(await wb.pendingValue('users', 'user:1')).toBeUndefined();
  });
});
