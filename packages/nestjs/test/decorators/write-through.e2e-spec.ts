import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { Cacheable, CacheService, WriteThrough } from '../../src/index.js';
import { bootCacheApp, CallLog } from '../support/test-app.js';
import { uniqueNamespace } from '@cachet/testing';

interface Account {
  id: string;
  email: string;
  version: number;
}

class ConstraintViolation extends Error {
  readonly constraint = 'accounts_email_key';
}

@Injectable()
class AccountsService {
  readonly reads = new CallLog();
  private readonly table = new Map<string, Account>();

  @Cacheable({ key: (id: string) => `account:${id}`, tags: ['accounts'] })
  async find(id: string): Promise<Account | undefined> {
    this.reads.record(id);
    return this.table.get(id);
  }

  @Cacheable({ key: () => 'accounts:count', tags: ['accounts:list'] })
  async count(): Promise<number> {
    this.reads.record('count');
    return this.table.size;
  }

  @WriteThrough({ key: (id: string) => `account:${id}`, ttl: '5m', tags: ['accounts'], evictTags: ['accounts:list'] })
  async save(id: string, email: string): Promise<Account> {
    if (email.includes('taken')) throw new ConstraintViolation(`duplicate ${email}`);
    const account = { id, email, version: (this.table.get(id)?.version ?? 0) + 1 };
    this.table.set(id, account);
    return account;
  }
}

describe('@WriteThrough', () => {
  let app: INestApplication;
  let accounts: AccountsService;
  let cache: CacheService;

  beforeEach(async () => {
    app = await bootCacheApp({ providers: [AccountsService] }, { namespace: uniqueNamespace('write-through') });
    accounts = app.get(AccountsService);
    cache = app.get(CacheService);
  });

  afterEach(() => app.close());

  it('caches the result under key once the write succeeded, and invalidates evictTags', async () => {
    expect(await accounts.count()).toBe(0);
    const saved = await accounts.save('1', 'a@example.com');
    expect(await cache.get('account:1')).toEqual(saved);
    // The reading side is served the written value without going to the source.
    expect(await accounts.find('1')).toEqual(saved);
    expect(accounts.reads.count('1')).toBe(0);
    expect(await accounts.count()).toBe(1);
    expect(accounts.reads.count('count')).toBe(2);
  });

  it('replaces the cached value on a later write', async () => {
    await accounts.save('1', 'a@example.com');
    const second = await accounts.save('1', 'b@example.com');
    expect(await accounts.find('1')).toEqual({ id: '1', email: 'b@example.com', version: 2 });
    expect(second.version).toBe(2);
  });

  it('evicts the entry and rethrows the very same error when the write fails', async () => {
    await accounts.save('1', 'a@example.com');
    await accounts.find('1');
    const thrown = await accounts.save('1', 'taken@example.com').catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(ConstraintViolation);
    expect(thrown).toMatchObject({ message: 'duplicate taken@example.com', constraint: 'accounts_email_key' });
    expect(await cache.get('account:1')).toBeUndefined();
    // The next read goes to the source, which still holds the last good write.
    expect(await accounts.find('1')).toEqual({ id: '1', email: 'a@example.com', version: 1 });
    expect(accounts.reads.count('1')).toBe(1);
  });

  it('does not cache anything when the very first write fails', async () => {
    await expect(accounts.save('2', 'taken@example.com')).rejects.toBeInstanceOf(ConstraintViolation);
    expect(await cache.get('account:2')).toBeUndefined();
  });
});
