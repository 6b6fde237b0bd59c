import { CacheConfigError, createCache } from '@cachet/core';
import { KeySpace } from '@cachet/core/store';
import { openCache, recordingLogger, type CacheFixture } from '../support/caches.js';

const configError = (option: string, ...figures: string[]) =>
  expect.objectContaining({
    name: 'CacheConfigError',
    option: expect.stringContaining(option),
    message: expect.stringMatching(new RegExp(figures.map((figure) => `(?=.*${figure})`).join(''))),
  });

describe('default TTL and maxTtl', () => {
  it('caps the default TTL by maxTtl: maxTtl alone is enough', async () => {
    const subject = await openCache('redis', { maxTtl: '5s' });
    try {
      await subject.cache.set('capped', 1);
      const pttl = await subject.fixture.store.entries.pttl(
        new KeySpace(subject.cache.namespace).entry('capped').entry,
      );
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(5_000);
    } finally {
      await subject.close();
    }
  });

  it('refuses an explicit ttl above maxTtl, naming both figures', () => {
    let thrown: unknown;
    try {
      createCache({ store: 'memory', ttl: '1h', maxTtl: '5s' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CacheConfigError);
    expect(thrown).toEqual(configError('ttl', '"1h"', '5s', '5000 ms', '3600000 ms'));
    expect((thrown as Error).message).not.toContain('undefined');
  });
});

describe('durations in the range Redis accepts (standalone Redis)', () => {
  let subject: CacheFixture;
  let logger: ReturnType<typeof recordingLogger>;

  beforeEach(async () => {
    logger = recordingLogger();
    subject = await openCache('redis', { logger, breaker: { threshold: 5 } });
  });
  afterEach(() => subject.close());

  it('rounds a TTL below 1 ms up to 1 ms: no write error, the breaker stays closed', async () => {
    for (let i = 0; i < 20; i++) {
      await subject.cache.set(`tiny${i}`, i, { ttl: 0.4 });
      await subject.cache.getOrSet(`tiny-load${i}`, async () => i, { ttl: 0.3 });
    }
    await subject.cache.set('ok', 'still cached', { ttl: '1m' });
    expect(await subject.cache.get('ok')).toBe('still cached');
    expect(subject.cache.stats()).toEqual(expect.objectContaining({ errors: 0, breaker: 'closed' }));
    expect(logger.lines.filter((line) => !line.startsWith('log '))).toEqual([]);
  });

  it('refuses durations Redis cannot take, at createCache, naming option and value', () => {
    expect(() => createCache({ store: 'memory', ttl: 1e20, maxTtl: 1e20 })).toThrow(CacheConfigError);
    expect(() => createCache({ store: 'memory', maxTtl: 1e20 })).toThrow(/"maxTtl": 100000000000000000000/);
    expect(() => createCache({ store: 'memory', maxTtl: 2 ** 46 })).not.toThrow();
    expect(() => createCache({ store: 'memory', maxTtl: 2 ** 46 + 1 })).toThrow(/2\^46/);
    expect(() => createCache({ store: 'memory', commandTimeout: '30d' })).toThrow(/"commandTimeout": "30d"/);
    expect(() => createCache({ store: 'memory', lock: { ttl: 0 } })).toThrow(/"lock.ttl": 0/);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['jitter above 1', { jitter: 5 }, 'jitter'],
    ['a ttl above the bound', { ttl: 2 ** 47 }, 'ttl'],
    ['a ttl of 0', { ttl: 0 }, 'ttl'],
    ['a malformed ttl', { ttl: '10 minutes' }, 'ttl'],
    ['a negative stale window', { staleIfError: -1 }, 'staleIfError'],
    ['a huge stale window', { staleWhileRevalidate: 1e300 }, 'staleWhileRevalidate'],
    ['a lock wait no timer can run', { lock: { wait: '30d' } }, 'lock.wait'],
    ['a bad lease ttl', { lock: { ttl: 'soon' } }, 'lock.ttl'],
    ['a bad negative-cache ttl', { cacheNull: { ttl: -5 } }, 'cacheNull.ttl'],
    ['tags that are not a list', { tags: 'user:1' }, 'tags'],
  ])('getOrSet and set refuse %s with CacheConfigError, before Redis', async (_label, options, option) => {
    let loads = 0;
    const loader = async () => ++loads;
    await expect(subject.cache.getOrSet('k', loader, options)).rejects.toEqual(configError(option));
    await expect(subject.cache.fetch('k', loader, options)).rejects.toEqual(configError(option));
    if (
      !('lock' in options) &&
      !('cacheNull' in options) &&
      !('staleIfError' in options) &&
      !('staleWhileRevalidate' in options)
    ) {
      await expect(subject.cache.set('k', 1, options)).rejects.toEqual(configError(option));
    }
    expect(loads).toBe(0);
    expect(subject.cache.stats()).toEqual(expect.objectContaining({ errors: 0, breaker: 'closed' }));
  });
});
