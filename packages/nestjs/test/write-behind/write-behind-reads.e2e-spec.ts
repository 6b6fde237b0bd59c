import 'reflect-metadata';
import { Inject, Injectable, type INestApplication } from '@nestjs/common';
import { Cacheable, CacheService, WriteBehind } from '../../src/index.js';
import { eventually, PROFILE_TABLE, ProfileTable, type Profile } from './profile-table.js';
import { bootWriteBehindApp, settleFlushers, TestDatabase } from './write-behind-app.js';
import { sleep } from '@cachet/testing';

@Injectable()
class ShortLivedProfiles {
  loads = 0;

  constructor(@Inject(PROFILE_TABLE) private readonly table: ProfileTable) {}

  // The cached value lives far shorter than the flush delay.
  @WriteBehind({ queue: 'reads', key: (p: Profile) => `profile:${p.id}`, ttl: '150ms', batch: { interval: '1h' } })
  async save(profile: Profile): Promise<void> {
    await this.table.upsert(profile);
  }

  @Cacheable({ key: (id: string) => `profile:${id}`, ttl: '150ms' })
  async find(id: string): Promise<Profile | null> {
    this.loads++;
    return this.table.find(id);
  }
}

@Injectable()
class DefaultQueueProfiles {
  constructor(@Inject(PROFILE_TABLE) private readonly table: ProfileTable) {}

  @WriteBehind({ queue: 'defaults', key: (p: Profile) => `profile:${p.id}`, value: (p: Profile) => p.name })
  async save(profile: Profile): Promise<void> {
    await this.table.upsert(profile);
  }
}

describe('@WriteBehind: reading your own writes', () => {
  let database: TestDatabase;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    database = await TestDatabase.open();
  });
  afterAll(() => database.close());
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('answers reads with the unpersisted value after the cache entry expired, then with the database', async () => {
    const booted = await bootWriteBehindApp(database, [ShortLivedProfiles]);
    app = booted.app;
    await settleFlushers(app);
    const profiles = app.get(ShortLivedProfiles);
    const cache = app.get(CacheService);
    await booted.table.insert({ id: '1', name: 'old' });

    await profiles.save({ id: '1', name: 'new' });
    await sleep(400); // the cached value has expired; the write is still queued
    const misses = cache.stats().misses;
    expect(await profiles.find('1')).toEqual({ id: '1', name: 'new' });
    expect(cache.stats().misses).toBe(misses + 1); // it was a miss, answered by the pending write
    expect(profiles.loads).toBe(0); // the database (still 'old') was not asked
    expect(await booted.table.find('1')).toEqual({ id: '1', name: 'old' });

    await sleep(400);
    expect(await cache.get('profile:1')).toEqual({ id: '1', name: 'new' });
    expect(await cache.mget(['profile:1', 'profile:2'])).toEqual([{ id: '1', name: 'new' }, undefined]);

    await cache.flushWriteBehind(10_000);
    expect(await booted.table.find('1')).toEqual({ id: '1', name: 'new' });
    await sleep(400);
    // Persisted: the overlay is gone and reads load the database again.
    expect(await profiles.find('1')).toEqual({ id: '1', name: 'new' });
    expect(profiles.loads).toBe(1);
  });

  it("flushes on its own with the module's writeBehind defaults, caching value(...args)", async () => {
    const booted = await bootWriteBehindApp(database, [DefaultQueueProfiles], {
      writeBehind: { flushInterval: '50ms', batchSize: 10 },
    });
    app = booted.app;
    const cache = app.get(CacheService);
    const saved = await Promise.all(
      Array.from({ length: 25 }, (_, i) => app!.get(DefaultQueueProfiles).save({ id: String(i), name: `n${i}` })),
    );
    expect(saved[3]).toBe('n3'); // the call resolves to what it cached
    expect(await cache.get('profile:3')).toBe('n3');

    await eventually('every write is persisted', async () => (await booted.table.rows()).size === 25);
    await eventually('the queue is empty', async () => (await cache.writeBehindStats('defaults')).depth === 0);
    const stats = await cache.writeBehindStats('defaults');
    expect(stats).toMatchObject({ appended: 25, flushed: 25, flushing: true, deadLetters: 0 });
    expect(stats.handlerCalls).toBe(25); // one call per write: nothing persisted twice
  });
});
