import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { createWriteBehind, type WriteBehindEngine } from '@cachet/core';
import { startRedis, testRedisUrl, type RedisServerHandle, sleep, uniqueNamespace } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';

interface BatchMessage {
  type: 'batch';
  id: number;
  pid: number;
  items: Array<{ key: string; name: string; version: string }>;
}
type ChildMessage = BatchMessage | { type: 'acked'; count: number } | { type: 'started' | 'closed'; pid: number };

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/write-behind-child.mjs', import.meta.url));

/** A child engine whose batches the test commits to its database (the parent plays the database server). */
function spawnChild(
  redisUrl: string,
  namespace: string,
  mode: 'produce' | 'consume',
  count: number,
  onBatch: (batch: BatchMessage, child: ChildProcess) => Promise<void>,
) {
  const child = spawn(process.execPath, [fixture, redisUrl, namespace, mode, String(count)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: ChildMessage[] = [];
  const listeners: Array<() => void> = [];
  child.on('message', (message: ChildMessage) => {
    messages.push(message);
    if (message.type === 'batch') void onBatch(message, child);
    for (const listener of listeners.splice(0)) listener();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = async (type: ChildMessage['type']) => {
    while (!messages.some((message) => message.type === type)) {
      await Promise.race([new Promise<void>((resolve) => listeners.push(resolve)), exited]);
      if (child.exitCode !== null || child.signalCode !== null) break;
    }
    return messages.find((message) => message.type === type);
  };
  return { child, exited, until };
}

async function waitForEmptyQueue(observer: WriteBehindEngine, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await observer.stats('users')).depth > 0) {
    if (Date.now() > deadline) throw new Error(`queue not drained within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('write-behind across processes (guarantee 9)', () => {
  let db: PGlite;
  beforeAll(async () => {
    // Child processes run plain Node on the built package: build it (incremental, fast when up to date).
    try {
      execFileSync('npx', ['tsc', '-b', 'packages/core'], { cwd: root, stdio: 'pipe' });
    } catch (error) {
      process.stderr.write(`tsc -b packages/core reported errors:\n${(error as { stdout?: Buffer }).stdout}\n`);
    }
    expect(readFileSync(new URL('../../dist/index.js', import.meta.url), 'utf8')).toContain('createWriteBehind');
    db = new PGlite();
    await db.waitReady;
  }, 120_000);
  afterAll(() => db.close());

  /** Commits a batch as one statement and counts deliveries per key (to report duplicates). */
  function database(table: string) {
    const deliveries = new Map<string, number>();
    return {
      deliveries,
      async create() {
        await db.exec(`CREATE TABLE ${table} (id text PRIMARY KEY, name text NOT NULL, version bigint NOT NULL)`);
      },
      async commit(batch: BatchMessage) {
        const params = batch.items.flatMap((item) => [item.key, item.name, item.version]);
        const rows = batch.items.map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3}::bigint)`);
        await db.query(
          `INSERT INTO ${table} (id, name, version) VALUES ${rows.join(', ')}
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version
           WHERE ${table}.version < excluded.version`,
          params,
        );
        for (const item of batch.items) deliveries.set(item.key, (deliveries.get(item.key) ?? 0) + 1);
      },
      async rows() {
        const result = await db.query<{ id: string; name: string }>(`SELECT id, name FROM ${table}`);
        return new Map(result.rows.map((row) => [row.id, row.name]));
      },
    };
  }

  // Several crash points, so the run covers a crash early, mid-way and late in the backlog.
  it.each([2, 3, 5])(
    'kill -9 during the flush (after committing batch %i): a fresh process drains the queue and every acknowledged write is persisted',
    async (crashAt) => {
      const server: RedisServerHandle = await startRedis({ appendOnly: true });
      const namespace = uniqueNamespace('crash');
      const observer = createWriteBehind({ redis: server.url, namespace, logger: recordingLogger() });
      const table = database(`crash_users_${crashAt}`);
      await table.create();
      try {
        let batchesSeen = 0;
        const producer = spawnChild(server.url, namespace, 'produce', 500, async (batch, child) => {
          await table.commit(batch);
          // This batch is committed but never confirmed: the process dies between commit and acknowledgement.
          if (++batchesSeen === crashAt) child.kill('SIGKILL');
          else child.send({ type: 'done', id: batch.id });
        });
        const acked = await producer.until('acked');
        expect(acked).toEqual({ type: 'acked', count: 500 });
        await producer.exited;
        expect(producer.child.signalCode).toBe('SIGKILL');
        const depthAfterCrash = (await observer.stats('users')).depth;
        expect(depthAfterCrash).toBeGreaterThan(0);

        const consumer = spawnChild(server.url, namespace, 'consume', 0, async (batch, child) => {
          await table.commit(batch);
          child.send({ type: 'done', id: batch.id });
        });
        await waitForEmptyQueue(observer, 30_000);
        consumer.child.send({ type: 'close' });
        await consumer.exited;

        const rows = await table.rows();
        const missing = Array.from({ length: 500 }, (_, i) => `user:${i}`).filter((key) => rows.get(key) === undefined);
        expect(missing).toEqual([]);
        for (let i = 0; i < 500; i++) expect(rows.get(`user:${i}`)).toBe(`v${i}`);
        const duplicates = [...table.deliveries.values()].filter((count) => count > 1).length;
        console.log(
          `write-behind kill -9 after batch ${crashAt}: 500 acknowledged, ${500 - depthAfterCrash} persisted before the crash, ` +
            `${depthAfterCrash} left in the stream, all 500 in the database after recovery; ` +
            `${duplicates} delivered twice (the batch committed but not acknowledged when the process died)`,
        );
      } finally {
        await observer.close();
        await server.stop();
      }
    },
    60_000,
  );

  it('two flushers in two processes share one queue without double-processing', async () => {
    const namespace = uniqueNamespace('pair');
    const producer = createWriteBehind({ redis: testRedisUrl(), namespace, logger: recordingLogger() });
    const table = database('pair_users');
    await table.create();
    const byPid = new Map<number, number>();
    const onBatch = async (batch: BatchMessage, child: ChildProcess) => {
      await table.commit(batch);
      byPid.set(batch.pid, (byPid.get(batch.pid) ?? 0) + batch.items.length);
      child.send({ type: 'done', id: batch.id });
    };
    const children = [
      spawnChild(testRedisUrl(), namespace, 'consume', 0, onBatch),
      spawnChild(testRedisUrl(), namespace, 'consume', 0, onBatch),
    ];
    try {
      await Promise.all(children.map((child) => child.until('started')));
      const append = (i: number) =>
        producer.append('users', { key: `user:${i}`, args: [{ name: `v${i}` }], value: { name: `v${i}` } });
      await Promise.all(Array.from({ length: 150 }, (_, i) => append(i)));
      await waitForEmptyQueue(producer, 30_000);
      // Shut the active flusher down gracefully: it hands the queue to the other at once.
      const first = children.find((child) => byPid.has(child.child.pid!))!;
      first.child.send({ type: 'close' });
      await first.exited;
      await Promise.all(Array.from({ length: 150 }, (_, i) => append(150 + i)));
      await waitForEmptyQueue(producer, 30_000);

      const rows = await table.rows();
      expect(rows.size).toBe(300);
      const duplicates = [...table.deliveries.values()].filter((count) => count > 1).length;
      expect(duplicates).toBe(0);
      expect(byPid.size).toBe(2);
      console.log(
        `write-behind two processes: 300 writes, per-process items ${[...byPid.values()].join(' + ')}, 0 duplicates`,
      );
    } finally {
      for (const child of children) {
        if (child.child.exitCode === null && child.child.signalCode === null) child.child.send({ type: 'close' });
        await child.exited;
      }
      await producer.close();
    }
  }, 60_000);
});
