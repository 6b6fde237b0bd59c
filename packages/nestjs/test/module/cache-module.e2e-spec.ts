import 'reflect-metadata';
import { Inject, Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { testRedisUrl, uniqueNamespace, sleep } from '@cachet/testing';
import { Redis } from 'ioredis';
import {
  Cacheable,
  CacheModule,
  CacheService,
  InjectRedis,
  type CacheModuleOptions,
  type CacheOptionsFactory,
} from '../../src/index.js';
import { CallLog, initOrClose } from '../support/test-app.js';

const SETTINGS = Symbol('SETTINGS');

@Module({
  providers: [{ provide: SETTINGS, useFactory: () => ({ url: testRedisUrl(), ttl: '2m' }) }],
  exports: [SETTINGS],
})
class SettingsModule {}

@Injectable()
class CacheSettings implements CacheOptionsFactory {
  constructor(@Inject(SETTINGS) private readonly settings: { url: string; ttl: '2m' }) {}

  createCacheOptions(): CacheModuleOptions {
    return { redis: this.settings.url, namespace: uniqueNamespace('use-class'), ttl: this.settings.ttl };
  }
}

@Module({ imports: [SettingsModule], providers: [CacheSettings], exports: [CacheSettings] })
class CacheSettingsModule {}

@Injectable()
class RedisUser {
  readonly log = new CallLog();

  constructor(@InjectRedis() readonly redis: Redis | null) {}

  @Cacheable({ key: (id: string) => `u:${id}` })
  async load(id: string): Promise<string> {
    this.log.record(id);
    return id.toUpperCase();
  }
}

@Module({ providers: [RedisUser], exports: [RedisUser] })
class FeatureModule {}

@Injectable()
class PlainCachedService {
  @Cacheable({ key: () => 'plain' })
  async load(): Promise<number> {
    return 1;
  }
}

@Module({ providers: [PlainCachedService] })
class PlainFeatureModule {}

async function boot(imports: unknown[]): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await initOrClose(app);
  return app;
}

async function expectCaches(app: INestApplication): Promise<void> {
  const user = app.get(RedisUser);
  expect(await user.load('a')).toBe('A');
  expect(await user.load('a')).toBe('A');
  expect(user.log.count('a')).toBe(1);
}

describe('CacheModule', () => {
  it('forRoot opens its own client, exposes it with @InjectRedis and closes it on shutdown', async () => {
    const app = await boot([
      CacheModule.forRoot({ redis: testRedisUrl(), namespace: uniqueNamespace('own') }),
      FeatureModule,
    ]);
    const { redis } = app.get(RedisUser);
    expect(redis).toBeInstanceOf(Redis);
    expect(await redis!.ping()).toBe('PONG');
    await expectCaches(app);
    await app.close();
    // QUIT has been answered; the socket closes right after.
    if (redis!.status !== 'end') await new Promise((resolve) => redis!.once('end', resolve));
    expect(redis!.status).toBe('end');
  });

  it('uses a client you pass and never closes it', async () => {
    const client = new Redis(testRedisUrl());
    const app = await boot([
      CacheModule.forRoot({ redis: client, namespace: uniqueNamespace('given') }),
      FeatureModule,
    ]);
    expect(app.get(RedisUser).redis).toBe(client);
    await expectCaches(app);
    await app.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('forRootAsync with useFactory and inject', async () => {
    const app = await boot([
      CacheModule.forRootAsync({
        imports: [SettingsModule],
        inject: [SETTINGS],
        useFactory: (settings: { url: string }) => ({ redis: settings.url, namespace: uniqueNamespace('factory') }),
      }),
      FeatureModule,
    ]);
    await expectCaches(app);
    await app.close();
  });

  it('forRootAsync with useClass', async () => {
    const app = await boot([
      CacheModule.forRootAsync({ imports: [SettingsModule], useClass: CacheSettings }),
      FeatureModule,
    ]);
    await expectCaches(app);
    expect(app.get(CacheService).namespace).toMatch(/^use-class/);
    await app.close();
  });

  it('forRootAsync with useExisting', async () => {
    const app = await boot([
      CacheModule.forRootAsync({ imports: [CacheSettingsModule], useExisting: CacheSettings }),
      FeatureModule,
    ]);
    await expectCaches(app);
    await app.close();
  });

  it("store: 'memory' caches in process, without Redis", async () => {
    const app = await boot([CacheModule.forRoot({ store: 'memory', namespace: 'unit' }), FeatureModule]);
    expect(app.get(RedisUser).redis).toBeNull();
    await expectCaches(app);
    await app.close();
  });

  it('is global by default; with isGlobal: false, a module using the decorators must import it', async () => {
    const global = await boot([CacheModule.forRoot({ store: 'memory' }), FeatureModule]);
    await expectCaches(global);
    await global.close();
    await expect(boot([CacheModule.forRoot({ store: 'memory', isGlobal: false }), PlainFeatureModule])).rejects.toThrow(
      /CacheRuntime/,
    );
  });

  it('boots with maxTtl alone: the default TTL is capped by it', async () => {
    const app = await boot([CacheModule.forRoot({ store: 'memory', maxTtl: '5s' }), FeatureModule]);
    await expectCaches(app);
    await app.close();
  });

  it.each<[string, CacheModuleOptions, RegExp]>([
    ['a bad duration', { store: 'memory', ttl: '10 minutes' as '10m' }, /"ttl": "10 minutes"/],
    ['an unknown store', { store: 'disk' as 'memory' }, /"store": "disk".*'redis' or 'memory'/],
    ['no Redis with the Redis store', {}, /"redis": undefined.*store: 'memory'/],
    ['a Redis address that is not a URL', { redis: 'localhost:7777' }, /"redis": "localhost:7777"/],
    ['an unknown option', { store: 'memory', tll: '1h' } as CacheModuleOptions, /"tll": "1h"/],
    ['a namespace with spaces', { store: 'memory', namespace: 'my app' }, /"namespace": "my app"/],
    ['ttl above maxTtl', { store: 'memory', ttl: '2d', maxTtl: '1d' }, /"ttl": "2d".*at most maxTtl/],
    ['a maxTtl Redis cannot take', { store: 'memory', ttl: 1e20, maxTtl: 1e20 }, /"maxTtl": 100000000000000000000/],
    ['a command timeout no timer can run', { store: 'memory', commandTimeout: '30d' }, /"commandTimeout": "30d"/],
    ['a bad compression', { store: 'memory', compression: { threshold: -1 } }, /"compression"/],
    ['a bad lock wait', { store: 'memory', lock: { wait: -1 } }, /"lock.wait": -1/],
    ['a bad write-behind batch size', { store: 'memory', writeBehind: { batchSize: 0 } }, /"writeBehind.batchSize": 0/],
    ['a bad L1 size', { store: 'memory', l1: { maxEntries: 0 } }, /"l1.maxEntries": 0/],
    [
      'a bad rate-limit failOpen',
      { store: 'memory', rateLimit: { failOpen: 'no' as never } },
      /"rateLimit.failOpen": "no"/,
    ],
    ['a bad breaker threshold', { store: 'memory', breaker: { threshold: 0 } }, /"breaker.threshold": 0/],
  ])('fails at bootstrap on %s, naming the option and the value', async (_label, options, message) => {
    // forRoot itself may throw (options it needs up front): either way, at bootstrap.
    await expect(Promise.resolve().then(() => boot([CacheModule.forRoot(options)]))).rejects.toThrow(message);
  });
});

describe('CacheService', () => {
  let app: INestApplication;
  let cache: CacheService;

  beforeAll(async () => {
    app = await boot([CacheModule.forRoot({ redis: testRedisUrl(), namespace: uniqueNamespace('service') })]);
    cache = app.get(CacheService);
  });

  afterAll(() => app.close());

  it('gets, sets, deletes and reads many', async () => {
    await cache.set('a', { n: 1 }, { ttl: '1m' });
    await cache.mset([
      { key: 'b', value: 2 },
      { key: 'c', value: new Date(0) },
    ]);
    expect(await cache.get('a')).toEqual({ n: 1 });
    expect(await cache.mget(['a', 'b', 'c', 'missing'])).toEqual([{ n: 1 }, 2, new Date(0), undefined]);
    await cache.delete('a', 'b');
    expect(await cache.mget(['a', 'b'])).toEqual([undefined, undefined]);
  });

  it('getOrSet loads once; fetch reports the outcome', async () => {
    let loads = 0;
    const loader = async () => ++loads;
    expect(await cache.getOrSet('g', loader)).toBe(1);
    expect(await cache.getOrSet('g', loader)).toBe(1);
    expect(await cache.fetch('f', loader)).toEqual({ value: 2, outcome: 'miss' });
    expect(await cache.fetch('f', loader)).toEqual({ value: 2, outcome: 'hit' });
  });

  it('invalidates tags, clears namespaces, deletes by pattern', async () => {
    await cache.set('t1', 1, { tags: ['group'] });
    await cache.set('t2', 2, { tags: ['group'] });
    await cache.invalidateTags('group');
    expect(await cache.mget(['t1', 't2'])).toEqual([undefined, undefined]);

    await cache.set('user:1', 1);
    await cache.set('user:2', 2);
    await cache.set('order:1', 3);
    expect(await cache.deleteMatching('user:*')).toBe(2);
    expect(await cache.get('order:1')).toBe(3);

    const drafts = cache.withNamespace('drafts');
    await drafts.set('d', 1);
    await cache.clear('drafts');
    expect(await drafts.get('d')).toBeUndefined();
    expect(await cache.get('order:1')).toBe(3);
    await cache.clear();
    expect(await cache.get('order:1')).toBeUndefined();
  });

  it('withLock runs one holder at a time, with increasing fencing tokens', async () => {
    const events: string[] = [];
    const tokens: number[] = [];
    const critical = (label: string) =>
      cache.withLock('nightly', async ({ fencingToken }) => {
        tokens.push(fencingToken);
        events.push(`${label}:in`);
        await sleep(20);
        events.push(`${label}:out`);
      });
    await Promise.all([critical('a'), critical('b')]);
    expect([events.slice(0, 2), events.slice(2)]).toEqual([
      [expect.stringMatching(/:in$/), expect.stringMatching(/:out$/)],
      [expect.stringMatching(/:in$/), expect.stringMatching(/:out$/)],
    ]);
    expect(events[0]!.split(':')[0]).toBe(events[1]!.split(':')[0]);
    expect(tokens[1]).toBeGreaterThan(tokens[0]!);
  });

  it('reports stats of its namespace', async () => {
    const stats = cache.stats();
    expect(stats.namespace).toBe(cache.namespace);
    expect(stats.hits).toBeGreaterThan(0);
  });
});
