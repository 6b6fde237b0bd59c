import { CacheKeyError, createCache, SerializationError, CacheConfigError } from '@cachet/core';
import { KeySpace } from '@cachet/core/store';
import { openCache, recordingLogger, type CacheFixture } from '../support/caches.js';
import { STORE_KINDS } from '../support/stores.js';

describe.each(STORE_KINDS)('values and keys (%s)', (kind) => {
  let subject: CacheFixture;
  beforeEach(async () => {
    subject = await openCache(kind, { compression: { threshold: 512 } });
  });
  afterEach(() => subject.close());

  it('round-trips Date, Map, Set, BigInt, Buffer, undefined fields, null', async () => {
    const value = {
      at: new Date('2026-01-02T03:04:05.678Z'),
      map: new Map<unknown, unknown>([
        ['a', 1],
        [2, { nested: new Set(['x']) }],
      ]),
      set: new Set([1, 'two']),
      big: 12345678901234567890n,
      bytes: Buffer.from([0, 1, 2, 255]),
      missing: undefined,
      nothing: null,
      list: [{ a: 1 }, { a: 2 }],
    };
    await subject.cache.set('rich', value);
    const back = await subject.cache.get<typeof value>('rich');
    expect(back).toEqual(value);
    expect(back!.at).toBeInstanceOf(Date);
    expect(back!.map).toBeInstanceOf(Map);
    expect(back!.set).toBeInstanceOf(Set);
    expect(typeof back!.big).toBe('bigint');
    expect(Buffer.isBuffer(back!.bytes)).toBe(true);
    expect('missing' in back!).toBe(true);
  });

  it('compresses at the threshold, with the flag inside the one stored value', async () => {
    const big = 'x'.repeat(4_000);
    await subject.cache.set('big', big);
    await subject.cache.set('small', 'x'.repeat(10));
    expect(await subject.cache.get('big')).toBe(big);
    const keys = new KeySpace(subject.cache.namespace);
    const read = await subject.fixture.store.entries.read({ keys: keys.entry('big'), tagKeys: [] });
    expect(read.raw!.length).toBeLessThan(400);
    const flags = Number(read.raw!.toString('latin1').split(' ')[5]);
    expect(flags & 1).toBe(1);
    const small = await subject.fixture.store.entries.read({ keys: keys.entry('small'), tagKeys: [] });
    expect(Number(small.raw!.toString('latin1').split(' ')[5]) & 1).toBe(0);
  });

  it('unserializable values: SerializationError naming the key, nothing written', async () => {
    const attempt = subject.cache.set('fn', { handler: () => 1 });
    await expect(attempt).rejects.toBeInstanceOf(SerializationError);
    await expect(subject.cache.set('fn', { handler: () => 1 })).rejects.toThrow(/"fn".*value\.handler is a function/);
    expect(await subject.cache.get('fn')).toBeUndefined();
    // getOrSet still returns the loader's value, logs, and caches nothing
    const symbolValue = { s: Symbol('x') };
    expect(await subject.cache.getOrSet('sym', async () => symbolValue)).toBe(symbolValue);
    expect(await subject.cache.get('sym')).toBeUndefined();
  });

  it('oversize values are skipped with one warning, the call still succeeds', async () => {
    const small = await openCache(kind, { maxValueSize: 1_000, compression: false });
    const huge = 'y'.repeat(5_000);
    expect(await small.cache.getOrSet('huge', async () => huge)).toBe(huge);
    expect(await small.cache.getOrSet('huge', async () => huge)).toBe(huge);
    expect(await small.cache.get('huge')).toBeUndefined();
    expect(small.cache.stats().skippedWrites).toBe(2);
    await small.close();
  });

  it('refuses a value by size before compressing it: over 32 × maxValueSize serialized, it is never deflated', async () => {
    const logger = recordingLogger();
    const small = await openCache(kind, { maxValueSize: 1_000, compression: { threshold: 100 }, logger });
    try {
      const fits = 'z'.repeat(20_000); // deflates far below 1 000 bytes, and is under 32 000: compressed and cached
      const hopeless = 'z'.repeat(40_000); // would deflate as well, but is over 32 × maxValueSize: not even tried
      await small.cache.set('fits', fits);
      await small.cache.set('hopeless', hopeless);
      expect(await small.cache.get('fits')).toBe(fits);
      expect(await small.cache.get('hopeless')).toBeUndefined();
      expect(small.cache.stats().skippedWrites).toBe(1);
      expect(logger.lines.filter((line) => line.includes('over maxValueSize'))).toEqual([
        expect.stringMatching(/"hopeless" is 400\d\d bytes/),
      ]);
    } finally {
      await small.close();
    }
  });

  it('names a map entry holding a function even when its key has no string form', async () => {
    const value = new Map([[Object.create(null) as object, () => 1]]);
    await expect(subject.cache.set('map', value)).rejects.toBeInstanceOf(SerializationError);
  });

  it.each(['', 'user:undefined', 'null', 'x:[object Object]'])('rejects the key %p with CacheKeyError', async (key) => {
    await expect(subject.cache.get(key)).rejects.toBeInstanceOf(CacheKeyError);
    await expect(subject.cache.getOrSet(key, async () => 1)).rejects.toThrow(CacheKeyError);
  });

  it.each(['status:annulled', 'nullable:1', 'undefinedness'])('accepts %p: the words only count whole', async (key) => {
    await subject.cache.set(key, 1);
    expect(await subject.cache.get(key)).toBe(1);
  });

  it('negative caching is off by default and on when asked', async () => {
    let calls = 0;
    const loader = async () => {
      calls++;
      return null;
    };
    await subject.cache.getOrSet('none', loader);
    await subject.cache.getOrSet('none', loader);
    expect(calls).toBe(2);
    await subject.cache.getOrSet('none2', loader, { cacheNull: { ttl: '1m' } });
    await subject.cache.getOrSet('none2', loader, { cacheNull: { ttl: '1m' } });
    expect(calls).toBe(3);
  });

  it('unless: the value is returned but not stored', async () => {
    await subject.cache.getOrSet('u', async () => ({ ok: false }), { unless: (value) => !value.ok });
    expect(await subject.cache.get('u')).toBeUndefined();
  });
});

describe('configuration errors', () => {
  it.each([
    [{ ttl: '5 minutes' }, /"ttl": "5 minutes"/],
    [{ ttl: -1 }, /"ttl"/],
    [{ commandTimeout: 'fast' }, /"commandTimeout"/],
    [{ namespace: 'a{b}' }, /"namespace"/],
    [{ serializer: 'xml' }, /"serializer"/],
    [{ compression: { threshold: -1 } }, /"compression"/],
  ])('createCache(%p) throws CacheConfigError naming the option', (options, message) => {
    expect(() => createCache({ store: 'memory', ...(options as object) })).toThrow(CacheConfigError);
    expect(() => createCache({ store: 'memory', ...(options as object) })).toThrow(message);
  });

  it('redis is required unless the store is memory', () => {
    expect(() => createCache({})).toThrow(/store: 'memory'/);
  });
});
