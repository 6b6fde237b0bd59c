import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createWriteBehind, type WriteBehindEngine } from '@cachet/core';
import { testRedisUrl, sleep, uniqueNamespace, waitUntil } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';
import { runFixture, type Child } from '../support/child-processes.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  return waitUntil(check, { what, timeoutMs, intervalMs: 20 });
}

/**
 * An owner paused past its visibility timeout, then resumed while its
 * successor flushes: it must not take new entries any more (reads, claims and
 * acknowledgements are fenced by the owner's lease token), nothing may stay
 * stuck in its pending list, and writes of a key are persisted in order.
 */
describe('two flushers overlapping (guarantee 9)', () => {
  let admin: Redis;
  const engines: WriteBehindEngine[] = [];
  let child: Child | undefined;
  beforeAll(() => {
    // The paused owner runs plain Node on the built package.
    execFileSync('npx', ['tsc', '-b', 'packages/core'], { cwd: root, stdio: 'pipe' });
    admin = new Redis(testRedisUrl());
  }, 120_000);
  afterEach(async () => {
    if (child && child.process.exitCode === null) {
      child.process.kill('SIGCONT');
      child.process.kill('SIGKILL');
      await child.exited;
    }
    for (const engine of engines.splice(0)) await engine.close({ timeoutMs: 2_000 });
  });
  afterAll(() => admin.quit());

  it('a resumed owner reads nothing more, its successor persists every write of the key in order', async () => {
    const namespace = uniqueNamespace('wbo');
    const logKey = `${namespace}:log`;
    const persisted = () => admin.lrange(logKey, 0, -1);
    const producer = createWriteBehind({ redis: testRedisUrl(), namespace, logger: recordingLogger() });
    engines.push(producer);
    const write = (name: string) => producer.append('users', { key: 'user:1', args: [{ name }], value: { name } });

    child = runFixture('write-behind-owner-child.mjs', [testRedisUrl(), namespace]);
    expect(await child.nextLine()).toEqual({ type: 'flushing' });
    await write('v1');
    await until(async () => (await persisted()).includes('user:1=v1'), 'v1 persisted by the first owner', 15_000);

    child.process.kill('SIGSTOP');
    await sleep(1_600); // past its 1 s visibility timeout: its lease lapses
    const successor = createWriteBehind({
      redis: testRedisUrl(),
      namespace,
      logger: recordingLogger(),
      visibilityTimeout: '1s',
      batch: { size: 10, interval: '1m' }, // flushes only when the test says so
    });
    engines.push(successor);
    successor.registerHandler('users', {
      handle: async (item) => {
        await admin.rpush(logKey, `${item.key}=${(item.args[0] as { name: string }).name}`);
      },
    });
    await successor.start();
    await until(async () => (await successor.stats('users')).flushing, 'successor owns the queue', 15_000);

    await write('v2');
    child.process.kill('SIGCONT'); // the old owner's overdue flush pass runs before it learns it lost the lease
    await sleep(300);
    await write('v3');
    await until(
      async () => {
        await successor.flush('users');
        return (await successor.stats('users')).depth === 0;
      },
      'every entry persisted and acknowledged',
      20_000,
    );
    await sleep(600); // anything the old owner still had in hand would land now
    const log = await persisted();
    const order = log.map((line) => Number(line.slice('user:1=v'.length)));
    // At least once, in order per key: the versions persisted never go back.
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.at(-1)).toBe(3);
    expect(new Set(order)).toEqual(new Set([1, 2, 3]));
  }, 90_000);

  it("the owner claims entries orphaned in another consumer's pending list before newer writes of their key", async () => {
    const namespace = uniqueNamespace('wbo');
    const logKey = `${namespace}:log`;
    const owner = createWriteBehind({
      redis: testRedisUrl(),
      namespace,
      logger: recordingLogger(),
      visibilityTimeout: '1s',
      batch: { size: 10, interval: '1m' }, // passes run only when the test flushes
    });
    engines.push(owner);
    owner.registerHandler('users', {
      handle: async (item) => {
        await admin.rpush(logKey, `${item.key}=${(item.args[0] as { name: string }).name}`);
      },
    });
    await owner.start();
    await until(async () => (await owner.stats('users')).flushing, 'owner flushing', 15_000);
    await owner.append('users', { key: 'user:1', args: [{ name: 'v1' }], value: { name: 'v1' } });
    // Another consumer (a flusher of an older release, a stray tool) takes the entry and never settles it.
    const streams: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${namespace}*`, 'COUNT', 1000);
      for (const key of keys) if ((await admin.type(key)) === 'stream') streams.push(key);
      cursor = next;
    } while (cursor !== '0');
    expect(streams).toHaveLength(1);
    const taken = await admin.xreadgroup('GROUP', 'cachet', 'stray', 'COUNT', 10, 'STREAMS', streams[0]!, '>');
    expect(taken).not.toBeNull();
    await owner.append('users', { key: 'user:1', args: [{ name: 'v2' }], value: { name: 'v2' } });
    await until(
      async () => {
        await owner.flush('users');
        return (await owner.stats('users')).depth === 0;
      },
      'the stuck entry persisted',
      20_000,
    );
    expect(await admin.lrange(logKey, 0, -1)).toEqual(['user:1=v1', 'user:1=v2']);
  }, 60_000);
});
