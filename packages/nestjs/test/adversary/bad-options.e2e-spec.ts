import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { CachetError } from '@cachet/core';
import { testRedisUrl, uniqueNamespace } from '@cachet/testing';
import { CacheModule, type CacheModuleOptions } from '../../src/index.js';

const BAD: Array<[string, Record<string, unknown>]> = [
  ['ttl null', { ttl: null }],
  ['ttl object', { ttl: {} }],
  ['maxTtl bad', { maxTtl: '1x' }],
  ['l1 string', { l1: 'yes' }],
  ['l1 null', { l1: null }],
  ['l1 maxEntries string', { l1: { maxEntries: '10' } }],
  ['rateLimit null', { rateLimit: null }],
  ['rateLimit string', { rateLimit: 'on' }],
  ['rateLimit headers', { rateLimit: { headers: 'x' } }],
  ['rateLimit trustProxy', { rateLimit: { trustProxy: 'maybe' } }],
  ['writeBehind null', { writeBehind: null }],
  ['writeBehind batchSize', { writeBehind: { batchSize: '10' } }],
  ['writeBehind flushInterval', { writeBehind: { flushInterval: -5 } }],
  ['redis number', { redis: 42 }],
  ['redis null', { redis: null }],
  ['namespace empty', { namespace: '' }],
  ['namespace number', { namespace: 5 }],
  ['serializer yaml', { serializer: 'yaml' }],
  ['serializer null', { serializer: null }],
  ['serializer half', { serializer: { serialize: () => Buffer.alloc(0) } }],
  ['compression negative', { compression: { threshold: -1 } }],
  ['compression string', { compression: 'gzip' }],
  ['lock null', { lock: null }],
  ['lock ttl bad', { lock: { ttl: 'soon' } }],
  ['telemetry string', { telemetry: 'yes' }],
  ['telemetry null', { telemetry: null }],
  ['telemetry openTelemetry string', { telemetry: { openTelemetry: 'yes' } }],
  ['failOpen string', { failOpen: 'true' }],
  ['commandTimeout zero', { commandTimeout: 0 }],
  ['store bogus', { store: 'sqlite' }],
  ['breaker null', { breaker: null }],
];

describe('bad CacheModule options fail at bootstrap with a typed error', () => {
  it.each(BAD)('%s', async (_label, bad) => {
    let failure: unknown;
    try {
      const options = { redis: testRedisUrl(), namespace: uniqueNamespace('bad'), ...bad } as CacheModuleOptions;
      const moduleRef = await Test.createTestingModule({ imports: [CacheModule.forRoot(options)] }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      try {
        await app.init();
      } finally {
        await app.close().catch(() => undefined);
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(CachetError);
  });
});

describe('bad CacheModule.forRootAsync factories fail at bootstrap with a typed error', () => {
  const FACTORIES: Array<[string, () => unknown]> = [
    ['undefined', () => undefined],
    ['null', () => null],
    ['a string', () => 'redis://localhost'],
    ['unknown key', () => ({ redis: testRedisUrl(), tll: '1m' })],
  ];
  it.each(FACTORIES)('a factory returning %s', async (_label, useFactory) => {
    let failure: unknown;
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [CacheModule.forRootAsync({ useFactory: useFactory as () => CacheModuleOptions })],
      }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      try {
        await app.init();
      } finally {
        await app.close().catch(() => undefined);
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(CachetError);
  });
});
