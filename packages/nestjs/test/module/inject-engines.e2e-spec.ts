import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Cache, LockManager, RateLimiter, WriteBehindEngine } from '@cachet/core';
import type { Store } from '@cachet/core/store';
import {
  CacheModule,
  CacheService,
  InjectCache,
  InjectCacheModuleOptions,
  InjectCacheStore,
  InjectLockManager,
  InjectRateLimiter,
  InjectWriteBehind,
  WriteBehindOrchestrator,
  type ResolvedCacheModuleOptions,
} from '../../src/index.js';
import { uniqueNamespace, waitUntil } from '@cachet/testing';
import { initOrClose } from '../support/test-app.js';

@Injectable()
class EngineUser {
  constructor(
    @InjectCache() readonly cache: Cache,
    @InjectLockManager() readonly locks: LockManager,
    @InjectRateLimiter() readonly limiter: RateLimiter,
    @InjectWriteBehind() readonly writeBehind: WriteBehindEngine,
    @InjectCacheStore() readonly store: Store,
    @InjectCacheModuleOptions() readonly options: ResolvedCacheModuleOptions,
  ) {}
}

describe('the Inject helpers give the engines the module registered', () => {
  let app: INestApplication;
  const namespace = uniqueNamespace('inject');

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CacheModule.forRoot({ store: 'memory', namespace })],
      providers: [EngineUser],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await initOrClose(app);
  });

  afterAll(() => app.close());

  it("@InjectCache() is the cache behind CacheService, in the module's namespace", async () => {
    const { cache } = app.get(EngineUser);
    expect(cache.namespace).toBe(namespace);
    await cache.set('greeting', 'hello');
    expect(await app.get(CacheService).get('greeting')).toBe('hello');
  });

  it('@InjectLockManager() is the manager behind CacheService.withLock: a call there waits for its holder', async () => {
    const { locks } = app.get(EngineUser);
    let release: (() => void) | undefined;
    const held = locks.withLock('job', () => new Promise<void>((resolve) => (release = resolve)));
    await waitUntil(() => release !== undefined, { what: 'the lock held' });
    const waiter = app.get(CacheService).withLock('job', async () => 'second', { wait: '5s' });
    // The wait is counted by the injected manager: both calls went through one LockManager.
    await waitUntil(() => locks.stats().waits === 1, { what: 'CacheService.withLock waiting' });
    release!();
    await held;
    expect(await waiter).toBe('second');
    expect(locks.stats()).toMatchObject({ acquired: 2, waits: 1, timeouts: 0 });
  });

  it('@InjectRateLimiter() counts on the module store', async () => {
    const { limiter, store } = app.get(EngineUser);
    const rule = { limit: 1, window: '1m', algorithm: 'fixed-window' } as const;
    expect((await limiter.consume('client', rule)).allowed).toBe(true);
    expect((await limiter.consume('client', rule)).allowed).toBe(false);
    expect(limiter.stats().storeChecks).toBeGreaterThanOrEqual(1);
    expect(store.kind).toBe('memory');
  });

  it('@InjectWriteBehind() is the engine the orchestrator drives; @InjectCacheModuleOptions() the resolved options', () => {
    const user = app.get(EngineUser);
    expect(user.writeBehind).toBe(app.get(WriteBehindOrchestrator).engine);
    expect(user.options).toMatchObject({ store: 'memory', namespace, failOpen: true, commandTimeoutMs: 250 });
    expect(user.options.writeBehind).toEqual({
      flushIntervalMs: 1_000,
      batchSize: 100,
      maxAttempts: 5,
      drainTimeoutMs: 10_000,
    });
  });
});
