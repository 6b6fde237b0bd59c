import 'reflect-metadata';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Cache } from '@cachet/core';
import type { Store } from '@cachet/core/store';
import { testRedisUrl, uniqueNamespace } from '@cachet/testing';
import type { Redis } from 'ioredis';
import { Cacheable, CacheModule, CacheService, InjectCache, InjectCacheStore, InjectRedis } from '../../src/index.js';
import { CallLog, initOrClose, inspector, keysOf } from '../support/test-app.js';

// The example of "Feature modules" in docs/getting-started.md.
@Injectable()
class UsersService {
  readonly loads = new CallLog();

  constructor(
    readonly cache: CacheService,
    @InjectCache('users') readonly users: Cache,
    @InjectCache() readonly root: Cache,
    @InjectRedis() readonly redis: Redis | null,
    @InjectCacheStore() readonly store: Store,
  ) {}

  @Cacheable({ namespace: 'users', key: (id: string) => `user:${id}` })
  async findOne(id: string): Promise<{ id: string }> {
    this.loads.record(id);
    return { id };
  }
}

@Module({ imports: [CacheModule.forFeature({ namespace: 'users' })], providers: [UsersService] })
class UsersModule {}

@Injectable()
class OrdersService {
  constructor(@InjectCache('orders') readonly orders: Cache) {}
}

@Module({ imports: [CacheModule.forFeature({ namespace: 'orders' })], providers: [OrdersService] })
class OrdersModule {}

/** Sits in the root module, which imports CacheModule.forRoot: it sees the root's own instances. */
@Injectable()
class RootUser {
  constructor(
    readonly cache: CacheService,
    @InjectRedis() readonly redis: Redis | null,
    @InjectCacheStore() readonly store: Store,
  ) {}
}

async function boot(imports: unknown[], providers: unknown[] = []): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: imports as never[],
    providers: providers as never[],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await initOrClose(app);
  return app;
}

describe('CacheModule.forFeature with isGlobal: false', () => {
  const namespace = uniqueNamespace('feature');
  const redis = inspector();
  let app: INestApplication;

  beforeAll(async () => {
    app = await boot(
      [CacheModule.forRoot({ redis: testRedisUrl(), namespace, isGlobal: false }), UsersModule, OrdersModule],
      [RootUser],
    );
  });

  afterAll(async () => {
    await app.close();
    await redis.quit();
  });

  it("gives the feature module the root's instances: one store, one connection", () => {
    const users = app.get(UsersService);
    const root = app.get(RootUser);
    expect(users.redis).not.toBeNull();
    expect(users.redis).toBe(root.redis);
    expect(users.store).toBe(root.store);
    expect(users.cache).toBe(root.cache);
    expect(users.root.namespace).toBe(namespace);
  });

  it("@InjectCache('users') is a view under '<root>:users', the keys of @Cacheable({ namespace: 'users' })", async () => {
    const users = app.get(UsersService);
    expect(users.users.namespace).toBe(`${namespace}:users`);

    expect(await users.findOne('7')).toEqual({ id: '7' });
    expect(await users.findOne('7')).toEqual({ id: '7' });
    expect(users.loads.count('7')).toBe(1);
    expect(await users.users.get('user:7')).toEqual({ id: '7' });

    await users.users.set('greeting', 'hello');
    expect(await app.get(RootUser).cache.withNamespace('users').get('greeting')).toBe('hello');
    expect(await app.get(RootUser).cache.get('greeting')).toBeUndefined();
    expect((await keysOf(redis, `${namespace}:users`)).length).toBeGreaterThan(0);
  });

  it('keeps two features apart: the same key in two namespaces is two entries', async () => {
    const { users } = app.get(UsersService);
    const { orders } = app.get(OrdersService);
    await users.set('shared-key', 'from users');
    await orders.set('shared-key', 'from orders');
    expect(await users.get('shared-key')).toBe('from users');
    expect(await orders.get('shared-key')).toBe('from orders');
    await users.clear();
    expect(await users.get('shared-key')).toBeUndefined();
    expect(await orders.get('shared-key')).toBe('from orders');
  });
});

describe('CacheModule.forFeature with forRootAsync, and with a global root', () => {
  it.each([
    ['forRootAsync, isGlobal: false', false],
    ['forRootAsync, global', true],
  ])('%s: the feature caches in its namespace', async (_label, isGlobal) => {
    const namespace = uniqueNamespace('feature-async');
    const app = await boot(
      [CacheModule.forRootAsync({ isGlobal, useFactory: () => ({ redis: testRedisUrl(), namespace }) }), UsersModule],
      [RootUser],
    );
    const users = app.get(UsersService);
    expect(users.users.namespace).toBe(`${namespace}:users`);
    expect(users.redis).toBe(app.get(RootUser).redis);
    await users.findOne('1');
    await users.findOne('1');
    expect(users.loads.count('1')).toBe(1);
    await app.close();
  });
});
