import 'reflect-metadata';
import { Inject, Injectable, type INestApplication } from '@nestjs/common';
import { Cacheable, CacheService, WriteBehind, WriteBehindBatch, type WriteBehindItem } from '../../src/index.js';
import { PROFILE_TABLE, ProfileTable, type Profile } from './profile-table.js';
import { bootWriteBehindApp, settleFlushers, TestDatabase } from './write-behind-app.js';

const profileKey = (profile: Profile) => `profile:${profile.id}`;

@Injectable()
class BatchedProfiles {
  constructor(@Inject(PROFILE_TABLE) private readonly table: ProfileTable) {}

  // The queue has a batch persister, so the flusher never calls this one item at a time.
  @WriteBehind({ queue: 'profiles', key: profileKey, batch: { size: 50, interval: '1h' } })
  async save(profile: Profile): Promise<Profile> {
    await this.table.upsert(profile);
    return profile;
  }

  @WriteBehindBatch('profiles')
  async saveMany(items: WriteBehindItem<[Profile]>[]): Promise<void> {
    await this.table.upsertMany(items);
  }

  @Cacheable({ key: (id: string) => `profile:${id}` })
  async find(id: string): Promise<Profile | null> {
    return this.table.find(id);
  }
}

@Injectable()
class CoalescedProfiles {
  constructor(@Inject(PROFILE_TABLE) private readonly table: ProfileTable) {}

  @WriteBehind({ queue: 'coalesced', key: profileKey, coalesce: true, batch: { size: 100, interval: '1h' } })
  async save(profile: Profile): Promise<void> {
    await this.table.upsert(profile);
  }
}

@Injectable()
class OrderedProfiles {
  constructor(@Inject(PROFILE_TABLE) private readonly table: ProfileTable) {}

  @WriteBehind({ queue: 'ordered', key: profileKey, batch: { size: 7, interval: '1h' } })
  async save(profile: Profile): Promise<void> {
    await this.table.upsert(profile);
  }
}

describe('@WriteBehind on PGlite: batching, coalescing, per-key order', () => {
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

  it('persists many calls through the batch persister in few statements (≤ writes / batch size + 1)', async () => {
    const booted = await bootWriteBehindApp(database, [BatchedProfiles]);
    app = booted.app;
    await settleFlushers(app);
    const profiles = app.get(BatchedProfiles);
    const cache = app.get(CacheService);
    const writes = Array.from({ length: 250 }, (_, i) => ({ id: String(i % 100), name: `name-${i}` }));

    const results = await Promise.all(writes.map((profile) => profiles.save(profile)));
    expect(results).toEqual(writes); // the call resolves to the cached value
    // Durable and cached before the database has seen anything.
    expect(booted.table.statements).toBe(0);
    expect(await cache.get('profile:7')).toEqual({ id: '7', name: 'name-207' });
    expect(await profiles.find('42')).toEqual({ id: '42', name: 'name-242' });
    expect((await cache.writeBehindStats('profiles')).depth).toBe(250);

    await cache.flushWriteBehind(10_000);
    console.log(`write-behind batching: 250 writes, batch size 50 -> ${booted.table.statements} statements`);
    expect(booted.table.statements).toBeLessThanOrEqual(250 / 50 + 1);
    const rows = await booted.table.rows();
    expect(rows.size).toBe(100);
    for (let id = 0; id < 100; id++) expect(rows.get(String(id))).toBe(`name-${id + 200 < 250 ? id + 200 : id + 100}`);
    expect((await cache.writeBehindStats('profiles')).depth).toBe(0);
  });

  it('coalesces the writes of a key into its newest one when asked', async () => {
    const booted = await bootWriteBehindApp(database, [CoalescedProfiles]);
    app = booted.app;
    await settleFlushers(app);
    const profiles = app.get(CoalescedProfiles);
    for (let i = 1; i <= 10; i++) await profiles.save({ id: 'a', name: `a-${i}` });
    for (let i = 1; i <= 5; i++) await profiles.save({ id: 'b', name: `b-${i}` });

    await app.get(CacheService).flushWriteBehind(10_000);
    // 15 calls, 2 keys: the method ran once per key, with the newest arguments.
    expect(booted.table.statements).toBe(2);
    expect(booted.table.persisted).toEqual(
      expect.arrayContaining([
        { id: 'a', name: 'a-10' },
        { id: 'b', name: 'b-5' },
      ]),
    );
    expect(await booted.table.rows()).toEqual(
      new Map([
        ['a', 'a-10'],
        ['b', 'b-5'],
      ]),
    );
  });

  it('persists the writes of a key in call order, even when the calls overlap', async () => {
    const booted = await bootWriteBehindApp(database, [OrderedProfiles]);
    app = booted.app;
    const profiles = app.get(OrderedProfiles);
    const calls: Profile[] = [];
    for (let i = 0; i < 30; i++) calls.push({ id: 'a', name: `a-${i}` }, { id: 'b', name: `b-${i}` });

    await Promise.all(calls.map((profile) => profiles.save(profile)));
    await app.get(CacheService).flushWriteBehind(10_000);

    // Without coalescing every call is persisted, once, in the order it was made.
    for (const id of ['a', 'b']) {
      expect(booted.table.persisted.filter((profile) => profile.id === id)).toEqual(
        calls.filter((profile) => profile.id === id),
      );
    }
    expect(await booted.table.rows()).toEqual(
      new Map([
        ['a', 'a-29'],
        ['b', 'b-29'],
      ]),
    );
    // The cache ends on the last call too.
    expect(await app.get(CacheService).get('profile:a')).toEqual({ id: 'a', name: 'a-29' });
  });
});
