import 'reflect-metadata';
import { Inject, Injectable, type INestApplication } from '@nestjs/common';
import type { CacheLogger } from '@cachet/core';
import { startRedis, type RedisServerHandle, uniqueNamespace } from '@cachet/testing';
import { Redis } from 'ioredis';
import { CacheService, WriteBehind, WriteBehindBatch, type WriteBehindItem } from '../../src/index.js';
import { eventually, PROFILE_TABLE, ProfileTable, type Profile } from './profile-table.js';
import { bootWriteBehindApp, settleFlushers, TestDatabase } from './write-behind-app.js';

@Injectable()
class SlowQueueProfiles {
  constructor(@Inject(PROFILE_TABLE) private readonly table: ProfileTable) {}

  @WriteBehind({ queue: 'lifecycle', key: (p: Profile) => `profile:${p.id}`, batch: { size: 20, interval: '1h' } })
  async save(profile: Profile): Promise<void> {
    await this.table.upsert(profile);
  }

  @WriteBehindBatch('lifecycle')
  async saveMany(items: WriteBehindItem<[Profile]>[]): Promise<void> {
    await this.table.upsertMany(items);
  }
}

@Injectable()
class SharedQueueProfiles {
  constructor(@Inject(PROFILE_TABLE) private readonly table: ProfileTable) {}

  @WriteBehind({ queue: 'shared', key: (p: Profile) => `profile:${p.id}`, batch: { size: 10, interval: '50ms' } })
  async save(profile: Profile): Promise<void> {
    await this.table.upsert(profile);
  }
}

class RecordingLogger implements CacheLogger {
  readonly warnings: string[] = [];
  log(): void {}
  warn(message: string): void {
    this.warnings.push(message);
  }
  error(): void {}
}

describe('@WriteBehind: module lifecycle', () => {
  let database: TestDatabase;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    database = await TestDatabase.open();
  });
  afterAll(() => database.close());
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  it('drains the queues when the app shuts down', async () => {
    const booted = await bootWriteBehindApp(database, [SlowQueueProfiles]);
    await settleFlushers(booted.app);
    const profiles = booted.app.get(SlowQueueProfiles);
    await Promise.all(Array.from({ length: 50 }, (_, i) => profiles.save({ id: String(i), name: `n${i}` })));
    expect((await booted.app.get(CacheService).writeBehindStats('lifecycle')).depth).toBe(50);
    expect(booted.table.statements).toBe(0);

    await booted.app.close();
    expect((await booted.table.rows()).size).toBe(50);
    expect(booted.table.statements).toBeLessThanOrEqual(50 / 20 + 1);

    // Nothing is left in Redis for the next instance.
    const next = await bootWriteBehindApp(database, [SlowQueueProfiles], { namespace: booted.namespace }, booted.table);
    apps.push(next.app);
    expect((await next.app.get(CacheService).writeBehindStats('lifecycle')).depth).toBe(0);
  });

  it('lets two app instances share a queue: every write persisted exactly once', async () => {
    const namespace = uniqueNamespace('wb-shared');
    const table = await database.table();
    const first = await bootWriteBehindApp(database, [SharedQueueProfiles], { namespace }, table);
    const second = await bootWriteBehindApp(database, [SharedQueueProfiles], { namespace }, table);
    apps.push(first.app, second.app);

    const writes = Array.from({ length: 60 }, (_, i) => ({ id: String(i), name: `n${i}` }));
    await Promise.all(
      writes.map((profile, i) => (i % 2 === 0 ? first : second).app.get(SharedQueueProfiles).save(profile)),
    );
    await eventually('every write is persisted', async () => (await table.rows()).size === 60);
    await eventually(
      'the queue is empty',
      async () => (await first.app.get(CacheService).writeBehindStats('shared')).depth === 0,
    );
    expect(table.persisted).toHaveLength(60);
    const flushing = await Promise.all([first, second].map((b) => b.app.get(CacheService).writeBehindStats('shared')));
    expect(flushing.filter((stats) => stats.flushing)).toHaveLength(1);
  });

  describe('Redis durability check at bootstrap', () => {
    let redis: RedisServerHandle;

    beforeAll(async () => {
      redis = await startRedis();
      const admin = new Redis(redis.url);
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await admin.quit();
    });
    afterAll(() => redis.stop());

    it('warns when maxmemory-policy could evict queued writes', async () => {
      const logger = new RecordingLogger();
      const booted = await bootWriteBehindApp(database, [SlowQueueProfiles], { redis: redis.url, logger });
      apps.push(booted.app);
      expect(logger.warnings.join('\n')).toMatch(/maxmemory-policy is allkeys-lru/);
    });

    it('stays quiet about it when no @WriteBehind is used', async () => {
      const logger = new RecordingLogger();
      const booted = await bootWriteBehindApp(database, [], { redis: redis.url, logger });
      apps.push(booted.app);
      expect(logger.warnings.join('\n')).not.toMatch(/maxmemory-policy/);
    });
  });
});
