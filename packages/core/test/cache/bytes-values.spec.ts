import { Redis } from 'ioredis';
import { createCache, type CacheOptions } from '@cachet/core';
import { KeySpace } from '@cachet/core/store';
import { testRedisUrl, uniqueNamespace } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';

/** A write that times out fails open and is not stored: what these tests read back must have landed. */
const SLOW_MACHINE = '10s';

const SERIALIZERS: Array<[string, CacheOptions['serializer']]> = [
  ['msgpack', 'msgpack'],
  ['json', 'json'],
  [
    'custom',
    {
      name: 'json-text',
      serialize: (value) => Buffer.from(JSON.stringify(value)),
      deserialize: (b) => JSON.parse(String(b)),
    },
  ],
];

/** A Buffer value is stored as its own bytes, whatever the serializer: nothing to serialize, nothing to parse. */
describe.each(SERIALIZERS)('a Buffer value with the %s serializer', (_name, serializer) => {
  const redis = new Redis(testRedisUrl());
  afterAll(() => redis.quit());

  it('comes back as the same bytes, in a Buffer, and is stored as those bytes after the envelope', async () => {
    const namespace = uniqueNamespace('bytes');
    const cache = createCache({
      redis: testRedisUrl(),
      namespace,
      serializer,
      commandTimeout: SLOW_MACHINE,
      logger: recordingLogger(),
    });
    try {
      const bytes = Buffer.from([0, 1, 2, 10, 32, 255, 0x7b]);
      await cache.set('raw', bytes);
      const back = await cache.get('raw');
      expect(Buffer.isBuffer(back)).toBe(true);
      expect(back).toEqual(bytes);
      const stored = (await redis.getBuffer(new KeySpace(namespace).entry('raw').entry))!;
      expect(stored.subarray(stored.length - bytes.length)).toEqual(bytes);
      expect(await cache.getOrSet('raw', async () => Buffer.from('other'))).toEqual(bytes);
    } finally {
      await cache.close();
    }
  });

  it('is compressed past the threshold like any value, and comes back whole', async () => {
    const cache = createCache({
      redis: testRedisUrl(),
      namespace: uniqueNamespace('bytes'),
      serializer,
      commandTimeout: SLOW_MACHINE,
      compression: { threshold: 64 },
      logger: recordingLogger(),
    });
    try {
      const bytes = Buffer.from('{"a":1}'.repeat(100));
      await cache.set('big', bytes);
      expect(await cache.get('big')).toEqual(bytes);
    } finally {
      await cache.close();
    }
  });
});

it('an entry of bytes is a miss, never a garbled value, for a reader that predates the format', async () => {
  // Such a reader accepts only its own serializer's format bits; bytes carry both, which no serializer has.
  const namespace = uniqueNamespace('bytes');
  const cache = createCache({
    redis: testRedisUrl(),
    namespace,
    commandTimeout: SLOW_MACHINE,
    logger: recordingLogger(),
  });
  const redis = new Redis(testRedisUrl());
  try {
    await cache.set('raw', Buffer.from('abc'));
    const stored = (await redis.getBuffer(new KeySpace(namespace).entry('raw').entry))!;
    const flags = Number(stored.toString('utf8', 0, stored.indexOf(10)).split(' ')[5]);
    for (const serializerFlag of [0, 16, 32]) expect(flags & 48).not.toBe(serializerFlag);
  } finally {
    await cache.close();
    await redis.quit();
  }
});
