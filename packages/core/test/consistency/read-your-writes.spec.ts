import { createCache, type Cache } from '@cachet/core';
import { startFaultProxy, testRedisUrl, type FaultProxy, sleep, uniqueNamespace } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';

type Change = 'delete' | 'invalidateTags' | 'set' | 'clear';
const CHANGES: Change[] = ['delete', 'invalidateTags', 'set', 'clear'];

/** Applies `change` to `key` on `cache` after the source moved to `version`: what an application does after a write. */
async function apply(cache: Cache, change: Change, key: string, version: number): Promise<void> {
  if (change === 'delete') await cache.delete(key);
  else if (change === 'invalidateTags') await cache.invalidateTags(`tag:${key}`);
  else if (change === 'set') await cache.set(key, version, { tags: [`tag:${key}`] });
  else await cache.clear();
}

const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

/**
 * Guarantee 4 on a hot key: once a change has resolved, a getOrSet that starts
 * afterwards never returns the value from before it, even while an earlier
 * read of the same key is still in flight in the process.
 */
describe('read-your-writes on a hot key', () => {
  const RUNS = 100;

  describe('one instance', () => {
    let cache: Cache;
    beforeAll(() => {
      cache = createCache({ redis: testRedisUrl(), namespace: uniqueNamespace('ryw'), logger: recordingLogger() });
    });
    afterAll(() => cache.close());

    it.each(CHANGES)(
      `${RUNS} runs of %s: a call that starts after it resolved sees the new version`,
      async (change) => {
        let stale = 0;
        for (let run = 0; run < RUNS; run++) {
          const key = `${change}:${run}`;
          let source = 1;
          const load = async () => source;
          const options = { tags: [`tag:${key}`], ttl: '1m' } as const;
          await cache.getOrSet(key, load, options); // cached: version 1
          const earlier = cache.getOrSet(key, load, options); // a hit of version 1, in flight
          await nextTick(); // its read is on the wire, ahead of the change
          source = 2;
          // awaited inline, not through a helper: the race with the earlier flight's last steps is
          // decided by microtask order, and a helper's extra step would let that flight finish first
          if (change === 'delete') await cache.delete(key);
          else if (change === 'invalidateTags') await cache.invalidateTags(`tag:${key}`);
          else if (change === 'set') await cache.set(key, 2, options);
          else await cache.clear();
          const after = await cache.getOrSet(key, load, options);
          if (after !== 2) stale++;
          expect(await earlier).toBeGreaterThanOrEqual(1);
        }
        console.log(`read-your-writes, one instance, ${change}: ${stale}/${RUNS} runs returned the older value`);
        expect(stale).toBe(0);
      },
    );

    it('200 concurrent callers of a cold key still share one load', async () => {
      let loads = 0;
      const loader = async () => {
        loads++;
        await sleep(50);
        return 'v';
      };
      const values = await Promise.all(Array.from({ length: 200 }, () => cache.getOrSet('cold', loader)));
      expect(values.every((value) => value === 'v')).toBe(true);
      expect(loads).toBe(1);
    });
  });

  describe('two instances, replies to one of them delayed 200 ms', () => {
    const DELAY = 200;
    let link: FaultProxy;
    let far: Cache; // behind the slow link
    let near: Cache; // direct
    beforeAll(async () => {
      const { hostname, port } = new URL(testRedisUrl());
      link = await startFaultProxy({ target: { host: hostname, port: Number(port) } });
      link.delay(DELAY);
      const namespace = uniqueNamespace('rywx');
      const redis = { host: link.host, port: link.port };
      far = createCache({ redis, namespace, commandTimeout: '10s', logger: recordingLogger() });
      near = createCache({ redis: testRedisUrl(), namespace, logger: recordingLogger() });
      await far.get('warm-up');
    });
    afterAll(async () => {
      await far.close();
      await near.close();
      await link.close();
    });

    it.each(CHANGES)('%s on the other instance, while a hit is in flight here', async (change) => {
      const RUNS_HERE = 5;
      let stale = 0;
      for (let run = 0; run < RUNS_HERE; run++) {
        const key = `hit:${change}:${run}`;
        let source = 1;
        const load = async () => source;
        const options = { tags: [`tag:${key}`], ttl: '1m' } as const;
        await near.getOrSet(key, load, options);
        const earlier = far.getOrSet(key, load, options); // Redis answers at once; the reply takes 200 ms
        await sleep(DELAY / 4);
        source = 2;
        await apply(near, change, key, 2);
        const after = await far.getOrSet(key, load, options);
        if (after !== 2) stale++;
        await earlier;
      }
      console.log(`read-your-writes, slow link, ${change} during a hit: ${stale}/${RUNS_HERE} runs stale`);
      expect(stale).toBe(0);
    });

    it.each(CHANGES)('%s on the other instance, while a load here confirms its result', async (change) => {
      const RUNS_HERE = 5;
      let stale = 0;
      for (let run = 0; run < RUNS_HERE; run++) {
        const key = `load:${change}:${run}`;
        let source = 1;
        let finish!: () => void;
        const finished = new Promise<void>((resolve) => (finish = resolve));
        const slow = async () => {
          const seen = source;
          await finished;
          return seen;
        };
        const options = { tags: [`tag:${key}`], ttl: '1m' } as const;
        // two callers of a cold key: one loads, the other joined it
        const loading = Promise.all([far.getOrSet(key, slow, options), far.getOrSet(key, slow, options)]);
        await sleep(3 * DELAY);
        finish();
        // the write is sent now and answered 200 ms later; a re-check of the result may follow it
        await sleep(1.5 * DELAY + DELAY / 4);
        source = 2;
        await apply(near, change, key, 2);
        const after = await far.getOrSet(key, async () => source, options);
        if (after !== 2) stale++;
        await loading;
      }
      console.log(`read-your-writes, slow link, ${change} during a load: ${stale}/${RUNS_HERE} runs stale`);
      expect(stale).toBe(0);
    });
  });
});
