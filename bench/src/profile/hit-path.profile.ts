import { createCache } from '@cachet/core';
import { startRedis } from '@cachet/testing';
import { Redis } from 'ioredis';
import { pack, unpack } from 'msgpackr';
import { sampleValue } from '../fixtures/sample-value.js';

/**
 * The hit path under load, for `node --cpu-prof`: 64 callers each reading
 * their own warm key through Cache.getOrSet for PROFILE_SECONDS (default 8).
 * Run it with `npm run profile -w @cachet/bench`; the summary prints the
 * functions with the most self time. PROFILE_TARGET=raw profiles the
 * baseline instead (ioredis GET + msgpack decode), for comparison.
 */
async function main(): Promise<void> {
  const seconds = Number(process.env.PROFILE_SECONDS ?? 8);
  const redis = await startRedis();
  const cache = createCache({ redis: redis.url, namespace: 'profile', ttl: '1h' });
  const raw = new Redis(redis.url, { enableAutoPipelining: true });
  try {
    const value = sampleValue();
    const workers = 64;
    for (let w = 0; w < workers; w++) {
      await cache.getOrSet(`product:${w}`, async () => value);
      await raw.set(`raw:product:${w}`, pack(value));
    }
    const loader = async () => value;
    const hit =
      process.env.PROFILE_TARGET === 'raw'
        ? async (w: number) => unpack((await raw.getBuffer(`raw:product:${w}`))!)
        : (w: number) => cache.getOrSet(`product:${w}`, loader);
    const end = performance.now() + seconds * 1000;
    let hits = 0;
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        while (performance.now() < end) {
          await hit(w);
          hits++;
        }
      }),
    );
    process.stdout.write(
      `${process.env.PROFILE_TARGET ?? 'cachet'}: ${hits} hits in ${seconds} s under the profiler\n`,
    );
  } finally {
    raw.disconnect();
    await cache.close();
    await redis.stop();
  }
}

void main();
