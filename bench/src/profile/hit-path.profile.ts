import { createCache } from '@cachet/core';
import { startRedis } from '@cachet/testing';
import { sampleValue } from '../fixtures/sample-value.js';

/**
 * The hit path under load, for `node --cpu-prof`: 64 callers each reading
 * their own warm key through Cache.getOrSet for PROFILE_SECONDS (default 8).
 * Run it with `npm run profile -w @cachet/bench`; the summary prints the
 * functions with the most self time.
 */
async function main(): Promise<void> {
  const seconds = Number(process.env.PROFILE_SECONDS ?? 8);
  const redis = await startRedis();
  const cache = createCache({ redis: redis.url, namespace: 'profile', ttl: '1h' });
  try {
    const value = sampleValue();
    const workers = 64;
    for (let w = 0; w < workers; w++) await cache.getOrSet(`product:${w}`, async () => value);
    const loader = async () => value;
    const end = performance.now() + seconds * 1000;
    let hits = 0;
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        while (performance.now() < end) {
          await cache.getOrSet(`product:${w}`, loader);
          hits++;
        }
      }),
    );
    process.stdout.write(`${hits} hits in ${seconds} s under the profiler\n`);
  } finally {
    await cache.close();
    await redis.stop();
  }
}

void main();
