import {
  createCache,
  createLockManager,
  createRateLimiter,
  createWriteBehind,
  type WriteBehindItem,
} from '@cachet/core';
import { startRedis, type RedisServerHandle } from '@cachet/testing';
import { Redis } from 'ioredis';
import { auditTtls, type TtlAudit } from './ttl-audit.js';
import { findGrowth, type SoakSample } from './growth.js';

/**
 * `npm run soak`: a mixed load (reads, writes, tag and key invalidations,
 * rate limits, locks, write-behind) against a private redis-server for
 * SOAK_MINUTES (default 10). Every SOAK_SAMPLE_SECONDS (default 30) it prints
 * RSS, heap, Redis memory and a TTL audit of every key. Exits non-zero when a
 * key has no TTL (write-behind queue keys excepted: they are bounded by
 * length, and the audit checks that bound) or when
 * memory keeps growing after warm-up.
 */
const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const sampleMs = Number(process.env.SOAK_SAMPLE_SECONDS ?? 30) * 1000;
const KEYS = 2_000;
const TAGS = 50;
const IN_FLIGHT = 32;
/** The write-behind queue's `maxPending` (its default): the bound on its stream and overlay. */
const MAX_PENDING = 10_000;

async function main(): Promise<void> {
  const redis: RedisServerHandle = await startRedis({
    args: ['--maxmemory-policy', 'noeviction', '--appendonly', 'yes'],
  });
  const admin = new Redis(redis.url, { enableAutoPipelining: false });
  const cache = createCache({ redis: redis.url, namespace: 'soak', ttl: '20s', maxTtl: '1m' });
  const limiter = createRateLimiter({ redis: redis.url, namespace: 'soak' });
  const locks = createLockManager({ redis: redis.url, namespace: 'soak' });
  const writeBehind = createWriteBehind({
    redis: redis.url,
    namespace: 'soak',
    flushInterval: '200ms',
    maxPending: MAX_PENDING,
  });
  const persisted = new Map<string, bigint>();
  writeBehind.registerHandler('profiles', {
    handleBatch: async (items: WriteBehindItem[]) => {
      for (const item of items) persisted.set(item.key, item.version);
    },
  });
  await writeBehind.start();

  let operations = 0;
  let failures = 0;
  const lastFailure: string[] = [];
  const step = async (): Promise<void> => {
    const roll = Math.random();
    const id = Math.floor(Math.random() * KEYS);
    const tag = `t${id % TAGS}`;
    if (roll < 0.6) {
      await cache.getOrSet(`item:${id}`, async () => ({ id, at: Date.now(), body: 'x'.repeat(id % 512) }), {
        tags: [tag],
        sliding: id % 5 === 0,
        staleWhileRevalidate: id % 7 === 0 ? '5s' : undefined,
      });
    } else if (roll < 0.7) {
      await cache.set(`item:${id}`, { id, at: Date.now() }, { tags: [tag] });
    } else if (roll < 0.75) {
      await cache.delete(`item:${id}`);
    } else if (roll < 0.77) {
      await cache.invalidateTags(tag);
    } else if (roll < 0.9) {
      await limiter.consume(`client:${id % 300}`, { limit: 50, window: '10s', algorithm: 'sliding-window' });
    } else if (roll < 0.93) {
      await locks.withLock(`job:${id % 20}`, async () => undefined, { ttl: '2s', wait: '2s' });
    } else {
      await writeBehind.append('profiles', { key: `profile:${id % 500}`, args: [id], value: { id } });
    }
  };
  const deadline = Date.now() + minutes * 60_000;
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline) {
      try {
        await step();
      } catch (error) {
        failures++;
        if (lastFailure.length < 5) lastFailure.push((error as Error).message);
      }
      operations++;
    }
  };

  const samples: SoakSample[] = [];
  const audits: TtlAudit[] = [];
  const started = Date.now();
  const sample = async (): Promise<void> => {
    const memory = process.memoryUsage();
    const info = await admin.info('memory');
    const usedMemory = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    const audit = await auditTtls(admin, MAX_PENDING);
    audits.push(audit);
    samples.push({ rss: memory.rss, heapUsed: memory.heapUsed, redisMemory: usedMemory });
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    process.stdout.write(
      `${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s  ops ${operations}  failures ${failures}  ` +
        `rss ${mb(memory.rss)} MB  heap ${mb(memory.heapUsed)} MB  redis ${mb(usedMemory)} MB  ` +
        `keys ${audit.keys} (no TTL: ${audit.withoutTtl.length}, queue keys ${audit.queueKeys})\n`,
    );
  };
  const timer = setInterval(() => void sample(), sampleMs);
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  clearInterval(timer);
  await sample();

  await Promise.allSettled([writeBehind.close(), cache.close(), limiter.close(), locks.close()]);
  admin.disconnect();
  await redis.stop();

  const problems: string[] = [];
  const untimed = audits.flatMap((audit) => audit.withoutTtl);
  if (untimed.length > 0) problems.push(`keys without a TTL: ${[...new Set(untimed)].slice(0, 10).join(', ')}`);
  problems.push(...findGrowth(samples));
  if (failures > 0) problems.push(`${failures} failed operations (first: ${lastFailure.join(' | ')})`);
  process.stdout.write(`\n${operations} operations in ${minutes} min, ${samples.length} samples\n`);
  if (problems.length > 0) {
    process.stdout.write(`FAIL\n  ${problems.join('\n  ')}\n`);
    process.exit(1);
  }
  process.stdout.write('OK: every key had a TTL, memory flat after warm-up\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`soak crashed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
