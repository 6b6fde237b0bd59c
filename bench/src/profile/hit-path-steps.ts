import { createCache } from '@cachet/core';
import { decodeEntry, KeySpace, msgpackSerializer } from '@cachet/core/store';
import { startRedis } from '@cachet/testing';
import { Redis } from 'ioredis';
import { pack, unpack } from 'msgpackr';
import { sampleValue } from '../fixtures/sample-value.js';
import { interleave, ratioOf, type Contender } from '../harness/interleave.js';

/**
 * Where a hit's cost comes from, one layer at a time, each as a ratio to raw
 * ioredis GET + msgpack decode (interleaved, median of rounds):
 *   1. the same Redis work and decoding Cachet does (MGET of entry and
 *      namespace generation, envelope parse, generation check, Cachet's
 *      serializer) on a plain ioredis client;
 *   2. the same on the client a Cache uses (its scripts registered, its
 *      command timeout);
 *   3. Cache.get;  4. Cache.getOrSet.
 * `npm run steps -w @cachet/bench`. Results drift with machine load: run it on a quiet machine.
 */
async function main(): Promise<void> {
  const redis = await startRedis();
  const namespace = 'steps';
  const keySpace = new KeySpace(namespace);
  const value = sampleValue();
  const raw = new Redis(redis.url, { enableAutoPipelining: true });
  const plain = new Redis(redis.url, { enableAutoPipelining: true });
  // Configured as Cachet configures the clients it opens; the cache registers its scripts on it.
  const cacheClient = new Redis(redis.url, {
    enableAutoPipelining: true,
    commandTimeout: 250,
    maxRetriesPerRequest: 1,
  });
  const cache = createCache({ redis: cacheClient, namespace, ttl: '1h' });
  const serializer = msgpackSerializer();
  try {
    const workers = 64;
    for (let w = 0; w < workers; w++) {
      await raw.set(`raw:${w}`, pack(value));
      await cache.getOrSet(`k${w}`, async () => value);
    }
    const floor = (client: Redis) => async (w: number) => {
      const [rawEntry, generation] = await client.mgetBuffer(keySpace.entry(`k${w}`).entry, keySpace.generation);
      const entry = decodeEntry(rawEntry!)!;
      if (generation?.toString() !== entry.generation) throw new Error('generation moved');
      return serializer.deserialize(entry.payload);
    };
    const loader = async () => value;
    const contenders: Contender[] = [
      { name: 'raw', op: async (w) => unpack((await raw.getBuffer(`raw:${w}`))!) },
      { name: '1 same Redis work + decode, plain client', op: floor(plain) },
      { name: '2 same, on the cache client', op: floor(cacheClient) },
      { name: '3 Cache.get', op: (w) => cache.get(`k${w}`) },
      { name: '4 Cache.getOrSet', op: (w) => cache.getOrSet(`k${w}`, loader) },
    ];
    for (const concurrency of [1, 64]) {
      const rates = await interleave(contenders, { concurrency, sliceMs: 300, rounds: 15, warmupMs: 300 });
      process.stdout.write(`${concurrency} in flight (ratio to raw):\n`);
      for (const contender of contenders.slice(1)) {
        process.stdout.write(`  ${contender.name.padEnd(44)} ${ratioOf(rates, contender.name, 'raw').toFixed(2)}×\n`);
      }
    }
  } finally {
    await cache.close();
    raw.disconnect();
    plain.disconnect();
    cacheClient.disconnect();
    await redis.stop();
  }
}

void main();
