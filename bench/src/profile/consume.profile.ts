import { createRateLimiter, type RateLimitAlgorithm } from '@cachet/core';
import { resolveRateLimitRule } from '@cachet/core/store';
import { startRedis } from '@cachet/testing';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';

/**
 * The rate-limit check under load, for `node --cpu-prof`: 64 callers each
 * consuming from their own subject for PROFILE_SECONDS (default 8), a limit
 * nobody reaches. PROFILE_ALGORITHM picks the algorithm (default
 * sliding-window); PROFILE_TARGET=flexible profiles rate-limiter-flexible's
 * RateLimiterRedis instead. Prints the rate and Redis's own time per call
 * (INFO commandstats), and this process's CPU time per check: on a busy
 * machine the rate swings with the load, the CPU times much less.
 */
async function main(): Promise<void> {
  const seconds = Number(process.env.PROFILE_SECONDS ?? 8);
  const target = process.env.PROFILE_TARGET ?? 'cachet';
  const algorithm = (process.env.PROFILE_ALGORITHM ?? 'sliding-window') as RateLimitAlgorithm;
  const redis = await startRedis();
  const admin = new Redis(redis.url);
  const limiter = createRateLimiter({ redis: redis.url, namespace: 'profile-rl' });
  const flexibleClient = new Redis(redis.url, { enableAutoPipelining: true });
  const flexible = new RateLimiterRedis({
    storeClient: flexibleClient,
    keyPrefix: 'profile-rlf',
    points: 1e9,
    duration: 60,
  });
  const rule = resolveRateLimitRule({ limit: 1e9, window: '60s', algorithm });
  const consume =
    target === 'flexible'
      ? (w: number) => flexible.consume(`client-${w}`)
      : (w: number) => limiter.consume(`client-${w}`, rule);
  try {
    await Promise.all(Array.from({ length: 64 }, (_, w) => consume(w)));
    await admin.config('RESETSTAT');
    const cpu = process.cpuUsage();
    const end = performance.now() + seconds * 1000;
    let checks = 0;
    await Promise.all(
      Array.from({ length: 64 }, async (_, w) => {
        while (performance.now() < end) {
          await consume(w);
          checks++;
        }
      }),
    );
    const { user, system } = process.cpuUsage(cpu);
    const stats = (await admin.info('commandstats')).split('\n').filter((line) => /evalsha|cmdstat_eval:/.test(line));
    process.stdout.write(
      `${target}${target === 'cachet' ? ` (${algorithm})` : ''}: ${Math.round(checks / seconds)} checks/s, ` +
        `${((user + system) / checks).toFixed(2)} µs of this process's CPU per check\n${stats.join('\n')}\n`,
    );
  } finally {
    admin.disconnect();
    flexibleClient.disconnect();
    await limiter.close();
    await redis.stop();
  }
}

void main();
