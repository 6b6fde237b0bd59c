import 'reflect-metadata';
import { Inject, Injectable, type INestApplication } from '@nestjs/common';
import type { PGlite } from '@electric-sql/pglite';
import { Cacheable, CacheService, WriteThrough } from '../../src/index.js';
import { bootCacheApp } from '../support/test-app.js';
import { TestDatabase } from './write-behind-app.js';
import { uniqueNamespace } from '@cachet/testing';

const DB = Symbol('DB');

interface Account {
  id: string;
  email: string;
}

@Injectable()
class Accounts {
  reads = 0;

  constructor(@Inject(DB) private readonly db: PGlite) {}

  @WriteThrough({ key: (id: string) => `account:${id}` })
  async save(id: string, email: string): Promise<Account> {
    const result = await this.db.query<Account>(
      `INSERT INTO accounts (id, email) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET email = excluded.email RETURNING id, email`,
      [id, email],
    );
    return result.rows[0]!;
  }

  @Cacheable({ key: (id: string) => `account:${id}` })
  async find(id: string): Promise<Account | null> {
    this.reads++;
    const result = await this.db.query<Account>('SELECT id, email FROM accounts WHERE id = $1', [id]);
    return result.rows[0] ?? null;
  }
}

describe('@WriteThrough on PGlite', () => {
  let database: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    database = await TestDatabase.open();
    await database.db.exec('CREATE TABLE accounts (id text PRIMARY KEY, email text NOT NULL UNIQUE)');
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.db.exec('DELETE FROM accounts');
    app = await bootCacheApp(
      { providers: [Accounts, { provide: DB, useValue: database.db }] },
      { namespace: uniqueNamespace('write-through-pg') },
    );
  });
  afterEach(() => app.close());

  it('caches the committed row once the statement succeeded', async () => {
    const accounts = app.get(Accounts);
    const saved = await accounts.save('1', 'a@example.com');
    expect(saved).toEqual({ id: '1', email: 'a@example.com' });
    expect(await app.get(CacheService).get('account:1')).toEqual(saved);
    expect(await accounts.find('1')).toEqual(saved);
    expect(accounts.reads).toBe(0);
  });

  it("evicts the entry and rethrows the database's own error when the statement fails", async () => {
    const accounts = app.get(Accounts);
    await accounts.save('1', 'a@example.com');
    await accounts.save('2', 'b@example.com');
    expect(await accounts.find('2')).toEqual({ id: '2', email: 'b@example.com' });

    const direct = await database.db
      .query("UPDATE accounts SET email = 'a@example.com' WHERE id = '2'")
      .catch((error: unknown) => error);
    const thrown = await accounts.save('2', 'a@example.com').catch((error: unknown) => error);
    // The same class and fields as the driver's error: a unique violation (23505), not a wrapper.
    expect(thrown).toBeInstanceOf((direct as Error).constructor);
    expect(thrown).toMatchObject({ code: '23505', message: (direct as Error).message });

    expect(await app.get(CacheService).get('account:2')).toBeUndefined();
    expect(await accounts.find('2')).toEqual({ id: '2', email: 'b@example.com' });
    expect(accounts.reads).toBe(1);
  });
});
