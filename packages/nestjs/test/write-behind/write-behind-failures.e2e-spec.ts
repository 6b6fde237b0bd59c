import 'reflect-metadata';
import { Inject, Injectable, type INestApplication } from '@nestjs/common';
import { WriteBehindError } from '@cachet/core';
import { CacheService, WriteBehind } from '../../src/index.js';
import { eventually, PROFILE_TABLE, ProfileTable, type Profile } from './profile-table.js';
import { bootWriteBehindApp, settleFlushers, TestDatabase } from './write-behind-app.js';
import { sleep } from '@cachet/testing';

const profileKey = (profile: Profile) => `profile:${profile.id}`;

@Injectable()
class FragileProfiles {
  constructor(@Inject(PROFILE_TABLE) private readonly table: ProfileTable) {}

  @WriteBehind({
    queue: 'fragile',
    key: profileKey,
    batch: { size: 10, interval: '50ms' },
    maxAttempts: 3,
    backoff: { initial: '20ms', max: '100ms' },
  })
  async save(profile: Profile): Promise<void> {
    await this.table.upsert(profile);
  }
}

@Injectable()
class BoundedProfiles {
  constructor(@Inject(PROFILE_TABLE) private readonly table: ProfileTable) {}

  @WriteBehind({ queue: 'bounded', key: profileKey, maxPending: 3, onFull: 'error', batch: { interval: '1h' } })
  async save(profile: Profile): Promise<void> {
    await this.table.upsert(profile);
  }
}

@Injectable()
class PatientProfiles {
  constructor(@Inject(PROFILE_TABLE) private readonly table: ProfileTable) {}

  @WriteBehind({ queue: 'patient', key: profileKey, maxPending: 2, fullWait: '20s', batch: { interval: '1h' } })
  async save(profile: Profile): Promise<void> {
    await this.table.upsert(profile);
  }
}

describe('@WriteBehind on PGlite: retries, dead letters, backpressure', () => {
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

  it('retries a failed write with backoff until it goes through', async () => {
    const booted = await bootWriteBehindApp(database, [FragileProfiles]);
    app = booted.app;
    booted.table.failNext = 2;
    await app.get(FragileProfiles).save({ id: 'x', name: 'third time lucky' });

    await eventually('the write is persisted', async () => (await booted.table.find('x')) !== null);
    const stats = await app.get(CacheService).writeBehindStats('fragile');
    expect(stats).toMatchObject({ flushed: 1, retried: 2, deadLettered: 0, deadLetters: 0, depth: 0 });
  });

  it('dead-letters a write after maxAttempts with its error, keeps the others going, and replays it', async () => {
    const booted = await bootWriteBehindApp(database, [FragileProfiles]);
    app = booted.app;
    const cache = app.get(CacheService);
    booted.table.refused.add('bad');
    await app.get(FragileProfiles).save({ id: 'x', name: 'bad' });
    await app.get(FragileProfiles).save({ id: 'y', name: 'good' });

    await eventually('the bad write is dead-lettered', async () => (await cache.countDeadLetters('fragile')) === 1);
    expect(await booted.table.find('y')).toEqual({ id: 'y', name: 'good' });
    expect(await booted.table.find('x')).toBeNull();
    const [letter] = await cache.deadLetters('fragile');
    expect(letter).toMatchObject({
      key: 'profile:x',
      op: 'write',
      args: [{ id: 'x', name: 'bad' }],
      value: { id: 'x', name: 'bad' },
      attempts: 3,
    });
    expect(letter!.error).toContain('profiles_name_check');
    expect((await cache.writeBehindStats('fragile')).depth).toBe(0);

    // The cause is fixed (say, a migration relaxed the constraint): replay it through CacheService.
    booted.table.refused.clear();
    expect(await cache.replayDeadLetters('fragile')).toEqual({ replayed: 1, superseded: [] });
    await eventually('the replayed write is persisted', async () => (await booted.table.find('x')) !== null);
    expect(await booted.table.find('x')).toEqual({ id: 'x', name: 'bad' });
    expect(await cache.countDeadLetters('fragile')).toBe(0);
  });

  it("pushes back with WriteBehindError when a queue is full (onFull: 'error'), recording and caching nothing", async () => {
    const booted = await bootWriteBehindApp(database, [BoundedProfiles]);
    app = booted.app;
    await settleFlushers(app);
    const profiles = app.get(BoundedProfiles);
    const cache = app.get(CacheService);
    for (let i = 1; i <= 3; i++) await profiles.save({ id: String(i), name: `n${i}` });

    const refused = await profiles.save({ id: '4', name: 'n4' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WriteBehindError);
    expect((refused as Error).message).toContain('maxPending 3');
    expect(await cache.get('profile:4')).toBeUndefined();
    expect((await cache.writeBehindStats('bounded')).depth).toBe(3);

    await cache.flushWriteBehind(10_000);
    await profiles.save({ id: '4', name: 'n4' });
    await cache.flushWriteBehind(10_000);
    expect((await booted.table.rows()).size).toBe(4);
  });

  it("makes a call wait for room when the queue is full (onFull: 'wait', the default)", async () => {
    const booted = await bootWriteBehindApp(database, [PatientProfiles]);
    app = booted.app;
    await settleFlushers(app);
    const profiles = app.get(PatientProfiles);
    const cache = app.get(CacheService);
    await profiles.save({ id: '1', name: 'n1' });
    await profiles.save({ id: '2', name: 'n2' });

    let resolved = false;
    const third = profiles.save({ id: '3', name: 'n3' }).then(() => (resolved = true));
    await sleep(300);
    expect(resolved).toBe(false); // still waiting: the queue holds maxPending entries
    expect(await cache.get('profile:3')).toBeUndefined();

    await cache.flushWriteBehind(10_000);
    await third;
    expect(await cache.get('profile:3')).toEqual({ id: '3', name: 'n3' });
    await cache.flushWriteBehind(10_000);
    expect(await booted.table.rows()).toEqual(
      new Map([
        ['1', 'n1'],
        ['2', 'n2'],
        ['3', 'n3'],
      ]),
    );
  });
});
