import { createWriteBehind, type WriteBehindEngine } from '@cachet/core';
import { startRedisSentinel } from '@cachet/testing';
import { Redis } from 'ioredis';

/**
 * `npm run trial:durability`: for each write-behind durability mode, TRIALS
 * times (default 20): a fresh Sentinel deployment (one master, one replica),
 * WRITES concurrent appends, and the master SIGKILLed as soon as the last one
 * is acknowledged. Counts the acknowledged writes missing from the promoted
 * replica. Exits non-zero if `'replica'` lost any.
 */
const trials = Number(process.env.TRIALS ?? 20);
const writes = Number(process.env.WRITES ?? 200);

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

async function trial(durability: 'primary' | 'replica', index: number): Promise<{ acked: number; lost: number }> {
  const sentinel = await startRedisSentinel({ replicas: 1, downAfterMs: 500 });
  const namespace = `trial${process.pid}x${durability}x${index}`;
  const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
  let wb: WriteBehindEngine | undefined;
  try {
    wb = createWriteBehind({
      redis: { sentinels: sentinel.sentinels, name: sentinel.masterName },
      namespace,
      logger: quiet,
      durability,
    });
    const acked: string[] = [];
    await Promise.all(
      Array.from({ length: writes }, (_, i) =>
        wb!.append('users', { key: `user:${i}`, args: [i] }).then(() => acked.push(`user:${i}`)),
      ),
    );
    const promoted = await sentinel.killMaster();
    const node = new Redis({ host: promoted.host, port: promoted.port });
    try {
      const survived = await streamedKeys(node, namespace);
      return { acked: acked.length, lost: acked.filter((key) => !survived.has(key)).length };
    } finally {
      node.disconnect();
    }
  } finally {
    await wb?.close({ timeoutMs: 0 }).catch(() => undefined);
    await sentinel.stop();
  }
}

async function main(): Promise<void> {
  let replicaLost = 0;
  for (const durability of ['primary', 'replica'] as const) {
    const lost: number[] = [];
    let acked = 0;
    for (let i = 0; i < trials; i++) {
      const outcome = await trial(durability, i);
      lost.push(outcome.lost);
      acked += outcome.acked;
    }
    const total = lost.reduce((sum, n) => sum + n, 0);
    if (durability === 'replica') replicaLost = total;
    console.log(
      `durability '${durability}': ${trials} trials, ${acked} writes acknowledged, ${total} lost ` +
        `(trials with a loss: ${lost.filter((n) => n > 0).length}; per trial: ${lost.join(' ')})`,
    );
  }
  process.exit(replicaLost === 0 ? 0 : 1);
}

await main();
