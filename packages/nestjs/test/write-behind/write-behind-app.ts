import { PGlite } from '@electric-sql/pglite';
import type { INestApplication, Type } from '@nestjs/common';
import { CacheService, type CacheModuleOptions } from '../../src/index.js';
import { bootCacheApp } from '../support/test-app.js';
import { PROFILE_TABLE, ProfileTable } from './profile-table.js';
import { uniqueNamespace } from '@cachet/testing';

/** One embedded Postgres per test file; each test gets its own table. */
export class TestDatabase {
  private tables = 0;

  private constructor(readonly db: PGlite) {}

  static async open(): Promise<TestDatabase> {
    const db = new PGlite();
    await db.waitReady;
    return new TestDatabase(db);
  }

  table(): Promise<ProfileTable> {
    return ProfileTable.open(this.db, `profiles_${this.tables++}`);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

export interface WriteBehindApp {
  app: INestApplication;
  table: ProfileTable;
  namespace: string;
}

/** A Nest app with CacheModule on the run's Redis, the given services, and a fresh profiles table. */
export async function bootWriteBehindApp(
  database: TestDatabase,
  providers: Type[],
  options: CacheModuleOptions = {},
  table?: ProfileTable,
): Promise<WriteBehindApp> {
  const profiles = table ?? (await database.table());
  const namespace = options.namespace ?? uniqueNamespace('wb');
  const app = await bootCacheApp(
    { providers: [...providers, { provide: PROFILE_TABLE, useValue: profiles }] },
    { ...options, namespace },
  );
  return { app, table: profiles, namespace };
}

/**
 * Waits until the flushers' first pass after bootstrap is over, so with a long
 * `batch.interval` they stay idle until the test flushes (or the app closes).
 * Two drains: the first may run before the flusher's start timer fires; the
 * second is queued behind the pass that timer started.
 */
export async function settleFlushers(app: INestApplication): Promise<void> {
  const cache = app.get(CacheService);
  await cache.flushWriteBehind(5_000);
  await cache.flushWriteBehind(5_000);
}
