import { Redis } from 'ioredis';
import { createWriteBehind, WriteBehindNotReplicatedError, type WriteBehindEngine } from '@cachet/core';
import { startRedisSentinel, testClusterNodes, testRedisUrl, uniqueNamespace } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';
import { REDIS_STORE_KINDS } from '../support/stores.js';

/** Trials of "kill the master right after acknowledgements"; more with WRITE_BEHIND_FAILOVER_TRIALS (say 20). */
const TRIALS = Number(process.env['WRITE_BEHIND_FAILOVER_TRIALS'] ?? 2);
const WRITES = 50;

/** Every entry of the namespace's streams on `node`, as the item keys they carry. */
async function streamedKeys(node: Redis, namespace: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, found] = await node.scan(cursor, 'MATCH', `${namespace}*`, 'COUNT', 1000);
    for (const key of found) {
      if ((await node.type(key)) !== 'stream') continue;
      for (const [, fields] of await node.xrange(key, '-', '+')) {
        const at = fields.indexOf('k');
        if (at >= 0) keys.add(fields[at + 1]!);
      }
    }
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

describe("write-behind durability: 'replica'", () => {
  it.each(REDIS_STORE_KINDS)(
    'rejects with a typed error when no replica confirms in time, and keeps the entry queued (%s)',
    async (kind) => {
      const wb = createWriteBehind({
        // Servers without replicas: none will ever confirm.
        redis: kind === 'redis' ? testRedisUrl() : { cluster: testClusterNodes() },
        namespace: uniqueNamespace('dur'),
        logger: recordingLogger(),
        durability: 'replica',
        replicaTimeout: '100ms',
      });
      try {
        const failure = await wb.append('users', { key: 'user:1', args: [1] }).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(WriteBehindNotReplicatedError);
        expect(failure).toMatchObject({ code: 'E_WRITE_BEHIND_NOT_REPLICATED', queue: 'users', timeoutMs: 100 });
        expect((await wb.stats('users')).depth).toBe(1);
      } finally {
        await wb.close({ timeoutMs: 0 });
      }
    },
  );

  it(`loses no acknowledged write when the master is killed right after the acknowledgements (${TRIALS} trials)`, async () => {
    const lost: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const sentinel = await startRedisSentinel({ replicas: 1, downAfterMs: 500 });
      const namespace = uniqueNamespace('dur');
      let wb: WriteBehindEngine | undefined;
      try {
        wb = createWriteBehind({
          redis: { sentinels: sentinel.sentinels, name: sentinel.masterName },
          namespace,
          logger: recordingLogger(),
          durability: 'replica',
          replicaTimeout: '1s',
        });
        const acked: string[] = [];
        await Promise.all(
          Array.from({ length: WRITES }, (_, i) =>
            wb!.append('users', { key: `user:${i}`, args: [i] }).then(() => acked.push(`user:${i}`)),
          ),
        );
        const promoted = await sentinel.killMaster(); // within milliseconds of the last acknowledgement
        const node = new Redis({ host: promoted.host, port: promoted.port });
        try {
          const survived = await streamedKeys(node, namespace);
          lost.push(acked.filter((key) => !survived.has(key)).length);
        } finally {
          node.disconnect();
        }
      } finally {
        await wb?.close({ timeoutMs: 0 }).catch(() => undefined);
        await sentinel.stop();
      }
    }
    expect(lost).toEqual(Array.from({ length: TRIALS }, () => 0));
  }, 300_000);
});
