import 'reflect-metadata';
import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  UseInterceptors,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  Cache,
  CACHE_MANAGER,
  CacheInterceptor,
  CacheKey,
  CacheModule,
  CacheTTL,
  type CacheModuleOptions,
  type CacheOptionsFactory,
} from '@cachet/nestjs/cache-manager';
import { testRedisUrl, uniqueNamespace, sleep } from '@cachet/testing';
import { Redis } from 'ioredis';
import request from 'supertest';

@Controller()
@CacheTTL(60_000)
class CounterController {
  counter = 0;

  @Get()
  @UseInterceptors(CacheInterceptor)
  count() {
    return this.counter++;
  }

  @Get('short')
  @CacheTTL(100)
  @UseInterceptors(CacheInterceptor)
  short() {
    return this.counter++;
  }

  @Get('keyed')
  @CacheKey('the-key')
  @UseInterceptors(CacheInterceptor)
  keyed() {
    return this.counter++;
  }
}

@Injectable()
class TenantInterceptor extends CacheInterceptor {
  protected override trackBy(context: ExecutionContext): string {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string>; url: string }>();
    return `${request.headers['x-tenant']}:${request.url}`;
  }
}

@Controller('tenant')
class TenantController {
  counter = 0;

  @Get()
  @UseInterceptors(TenantInterceptor)
  count() {
    return this.counter++;
  }
}

async function boot(imports: unknown[], controllers: unknown[] = []): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: imports as never[],
    controllers: controllers as never[],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('@cachet/nestjs/cache-manager: the cache API', () => {
  let app: INestApplication;
  let cache: Cache;

  beforeAll(async () => {
    app = await boot([CacheModule.register()]);
    cache = app.get(CACHE_MANAGER);
  });
  afterAll(() => app.close());

  it('injects one instance by CACHE_MANAGER and by the Cache class', () => {
    expect(app.get(Cache)).toBe(cache);
  });

  it('get is undefined when absent; set returns the value; del removes it', async () => {
    expect(await cache.get('absent')).toBeUndefined();
    expect(await cache.set('k', { a: 1 })).toEqual({ a: 1 });
    expect(await cache.get('k')).toEqual({ a: 1 });
    expect(await cache.del('k')).toBe(true);
    expect(await cache.get('k')).toBeUndefined();
  });

  it('caches falsy values (0, false, empty string)', async () => {
    await cache.set('zero', 0);
    await cache.set('no', false);
    await cache.set('empty', '');
    expect(await cache.mget(['zero', 'no', 'empty', 'absent'])).toEqual([0, false, '', undefined]);
  });

  it('set(key, value, ttl) takes milliseconds: gone after the TTL, kept within it', async () => {
    await cache.set('brief', 'v', 100);
    await cache.set('long', 'v', 60_000);
    await sleep(400);
    expect(await cache.get('brief')).toBeUndefined();
    expect(await cache.get('long')).toBe('v');
  });

  it('wrap loads once and serves the stored value afterwards, also to concurrent callers', async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      await sleep(50);
      return 'loaded';
    };
    const results = await Promise.all([cache.wrap('w', load, 60_000), cache.wrap('w', load, 60_000)]);
    expect(results).toEqual(['loaded', 'loaded']);
    expect(await cache.wrap('w', load)).toBe('loaded');
    expect(loads).toBe(1);
  });

  it('mset, mdel and clear', async () => {
    await cache.mset([
      { key: 'm1', value: 1 },
      { key: 'm2', value: 2, ttl: 60_000 },
    ]);
    expect(await cache.mget(['m1', 'm2'])).toEqual([1, 2]);
    await cache.mdel(['m1']);
    expect(await cache.get('m1')).toBeUndefined();
    expect(await cache.clear()).toBe(true);
    expect(await cache.get('m2')).toBeUndefined();
  });
});

describe('@cachet/nestjs/cache-manager: the module', () => {
  @Injectable()
  class Settings {
    ttl() {
      return 60_000;
    }
  }

  @Injectable()
  class CacheConfig implements CacheOptionsFactory {
    constructor(private readonly settings: Settings) {}
    createCacheOptions(): CacheModuleOptions {
      return { ttl: this.settings.ttl() };
    }
  }

  @Controller()
  class StoreController {
    constructor(@Inject(CACHE_MANAGER) private readonly cache: Cache) {}

    @Get()
    async read() {
      const value = await this.cache.get<string>('key');
      if (!value) await this.cache.set('key', 'value');
      return value ?? 'Not found';
    }
  }

  @Module({ controllers: [StoreController] })
  class FeatureModule {}

  it('registerAsync with useClass, extraProviders and isGlobal reaches other modules', async () => {
    const app = await boot([
      CacheModule.registerAsync({ isGlobal: true, useClass: CacheConfig, extraProviders: [Settings] }),
      FeatureModule,
    ]);
    try {
      await request(app.getHttpServer()).get('/').expect(200, 'Not found');
      await request(app.getHttpServer()).get('/').expect(200, 'value');
    } finally {
      await app.close();
    }
  });

  it('registerAsync with useFactory and inject; without isGlobal the cache stays in its module', async () => {
    const compiling = Test.createTestingModule({
      imports: [CacheModule.registerAsync({ useFactory: () => ({ ttl: 1000 }) }), FeatureModule],
    }).compile();
    await expect(compiling).rejects.toThrow(/CACHE_MANAGER/);
  });

  it('is on Redis when redis is configured, under its namespace, with the TTL in ms', async () => {
    const namespace = uniqueNamespace('cache-manager');
    const app = await boot([CacheModule.register({ redis: testRedisUrl(), namespace, ttl: 30_000 })]);
    const redis = new Redis(testRedisUrl());
    try {
      await app.get<Cache>(CACHE_MANAGER).set('user:1', { name: 'Ada' });
      const keys = await redis.keys(`${namespace}:e:*`);
      expect(keys.length).toBeGreaterThan(0);
      const pttl = Math.max(...(await Promise.all(keys.map((key) => redis.pttl(key)))));
      expect(pttl).toBeGreaterThan(15_000);
      expect(pttl).toBeLessThanOrEqual(30_000);
    } finally {
      await app.close();
      await redis.quit();
    }
  });

  it('refuses Keyv stores with the way out', async () => {
    const compiling = Test.createTestingModule({ imports: [CacheModule.register({ stores: [{}] })] }).compile();
    await expect(compiling).rejects.toThrow(/Invalid cache option "stores".*redis/);
  });
});

describe('@cachet/nestjs/cache-manager: CacheInterceptor', () => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await boot([CacheModule.register()], [CounterController, TenantController]);
  });
  afterEach(() => app.close());

  it('answers MISS then HIT with the cached body, under the URL', async () => {
    const server = app.getHttpServer();
    await request(server).get('/').expect(200, '0').expect('X-Cache', 'MISS');
    await request(server).get('/').expect(200, '0').expect('X-Cache', 'HIT');
    await request(server).get('/?page=2').expect(200, '1').expect('X-Cache', 'MISS');
  });

  it("uses the handler's @CacheTTL over the class's, in ms", async () => {
    const server = app.getHttpServer();
    await request(server).get('/short').expect(200, '0');
    await sleep(400);
    await request(server).get('/short').expect(200, '1');
    await request(server).get('/').expect(200, '2');
    await request(server).get('/').expect(200, '2');
  });

  it('uses @CacheKey instead of the URL', async () => {
    await request(app.getHttpServer()).get('/keyed').expect(200, '0');
    expect(await app.get<Cache>(CACHE_MANAGER).get('the-key')).toBe(0);
  });

  it('caches by an overridden trackBy(context)', async () => {
    const server = app.getHttpServer();
    await request(server).get('/tenant').set('x-tenant', 'a').expect(200, '0');
    await request(server).get('/tenant').set('x-tenant', 'b').expect(200, '1');
    await request(server).get('/tenant').set('x-tenant', 'a').expect(200, '0');
  });

  it('never caches a request that carries Authorization or Cookie', async () => {
    const server = app.getHttpServer();
    await request(server).get('/').set('Authorization', 'Bearer a').expect(200, '0');
    await request(server).get('/').set('Cookie', 'sid=b').expect(200, '1');
    await request(server).get('/').expect(200, '2').expect('X-Cache', 'MISS');
  });
});
