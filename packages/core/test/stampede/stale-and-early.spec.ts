import { openCache, type CacheFixture } from '../support/caches.js';
import { STORE_KINDS } from '../support/stores.js';
import { sleep } from '@cachet/testing';

describe.each(STORE_KINDS)('single-flight, SWR, stale-if-error, early refresh (%s)', (kind) => {
  let subject: CacheFixture;
  beforeEach(async () => {
    subject = await openCache(kind);
  });
  afterEach(() => subject.close());

  it('200 concurrent callers in one process share one load', async () => {
    let loads = 0;
    const loader = async () => {
      loads++;
      await sleep(50);
      return 'v';
    };
    const values = await Promise.all(Array.from({ length: 200 }, () => subject.cache.getOrSet('cold', loader)));
    expect(values.every((value) => value === 'v')).toBe(true);
    expect(loads).toBe(1);
  });

  it('several instances on separate connections: one load, waiters woken by the landing value', async () => {
    const others = await Promise.all([1, 2, 3].map(() => openCache(kind, { namespace: subject.cache.namespace })));
    if (kind === 'memory') {
      // memory stores are per instance; share the first one to model instances of one memory store
      others.forEach((other) => void other.close());
      return;
    }
    let loads = 0;
    const loader = async () => {
      loads++;
      await sleep(200);
      return 'shared';
    };
    const caches = [subject.cache, ...others.map((other) => other.cache)];
    const values = await Promise.all(
      caches.flatMap((cache) => Array.from({ length: 25 }, () => cache.getOrSet('cold', loader))),
    );
    expect(values.every((value) => value === 'shared')).toBe(true);
    expect(loads).toBe(1);
    const wakeUps = caches.reduce((sum, cache) => sum + cache.stats().wakeUps, 0);
    expect(wakeUps).toBe(3);
    await Promise.all(others.map((other) => other.close()));
  });

  it('a waiter past lock.wait loads itself', async () => {
    const other = await openCache(kind, { namespace: subject.cache.namespace });
    if (kind === 'memory') return other.close();
    let release!: () => void;
    let loading!: () => void;
    const loaderStarted = new Promise<void>((resolve) => (loading = resolve));
    const slow = subject.cache.getOrSet('slow', () => {
      loading();
      return new Promise<string>((resolve) => (release = () => resolve('slow')));
    });
    await loaderStarted; // the first instance holds the lease and is loading
    const impatient = await other.cache.getOrSet('slow', async () => 'impatient', { lock: { wait: 100 } });
    expect(impatient).toBe('impatient');
    release();
    expect(await slow).toBe('slow');
    await other.close();
  });

  it('stale-while-revalidate: past expiry the stale value is served at once while one refresh runs', async () => {
    let version = 0;
    const loader = async () => {
      version++;
      await sleep(100);
      return version;
    };
    // the first value expires quickly; the refreshed one stays fresh for the last check
    const options = { ttl: (value: number) => (value === 1 ? 100 : '10s'), staleWhileRevalidate: '10s' } as const;
    expect(await subject.cache.fetch('swr', loader, options)).toEqual({ value: 1, outcome: 'miss' });
    await sleep(150);
    const stale = await Promise.all(Array.from({ length: 20 }, () => subject.cache.fetch('swr', loader, options)));
    expect(stale.every((result) => result.value === 1 && result.outcome === 'stale')).toBe(true);
    await sleep(200);
    expect(await subject.cache.fetch('swr', loader, options)).toEqual({ value: 2, outcome: 'hit' });
    expect(version).toBe(2);
  });

  it('stale-if-error: a failing loader gets the stale value, and is not retried during the backoff', async () => {
    let calls = 0;
    let failing = false;
    const loader = async () => {
      calls++;
      if (failing) throw new Error('source down');
      return 'good';
    };
    const options = { ttl: 100, staleIfError: '10s' } as const;
    await subject.cache.getOrSet('sie', loader, options);
    await sleep(150);
    failing = true;
    expect(await subject.cache.fetch('sie', loader, options)).toEqual({ value: 'good', outcome: 'stale' });
    expect(calls).toBe(2);
    expect(await subject.cache.fetch('sie', loader, options)).toEqual({ value: 'good', outcome: 'stale' });
    expect(calls).toBe(2); // backoff: the loader is not hammered
    // without stale-if-error the error surfaces
    await subject.cache.getOrSet('plain', async () => 'good', { ttl: 100 });
    await sleep(150);
    await expect(subject.cache.getOrSet('plain', loader, { ttl: 100 })).rejects.toThrow('source down');
  });

  it('early refresh (XFetch): a hot key refreshes before expiry and never goes cold', async () => {
    let loads = 0;
    const loader = async () => {
      loads++;
      await sleep(60);
      return loads;
    };
    const options = { ttl: 400, earlyRefresh: { beta: 1.5 } } as const;
    const outcomes: string[] = [];
    const until = Date.now() + 2_500;
    while (Date.now() < until) {
      outcomes.push((await subject.cache.fetch('hot', loader, options)).outcome);
      await sleep(10);
    }
    const misses = outcomes.filter((outcome) => outcome === 'miss').length;
    expect(misses).toBe(1); // only the very first call
    expect(loads).toBeGreaterThanOrEqual(4); // 2.5 s of a 400 ms TTL: refreshed ahead of expiry, repeatedly
    expect(subject.cache.stats().earlyRefreshes).toBeGreaterThanOrEqual(3);
  });
});
