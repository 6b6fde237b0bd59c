import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { uniqueNamespace } from '@cachet/testing';
import { Cacheable } from '../../src/index.js';
import { bootCacheApp, CallLog } from '../support/test-app.js';

/** A generic repository: the decorated method is declared once, on the abstract base. */
abstract class Repository {
  readonly log = new CallLog();
  protected abstract readonly table: string;

  @Cacheable({ ttl: '1m' })
  async findById(id: number): Promise<{ table: string; id: number }> {
    this.log.record(`${this.table}:${id}`);
    return { table: this.table, id };
  }
}

@Injectable()
class UserRepository extends Repository {
  protected readonly table = 'users';
}

@Injectable()
class OrderRepository extends Repository {
  protected readonly table = 'orders';
}

describe('@Cacheable declared on an abstract base class', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await bootCacheApp(
      { providers: [UserRepository, OrderRepository] },
      { namespace: uniqueNamespace('inherited') },
    );
  });
  afterAll(() => app.close());

  it('keeps each subclass its own entries under the default key', async () => {
    const users = app.get(UserRepository);
    const orders = app.get(OrderRepository);
    expect(await users.findById(1)).toEqual({ table: 'users', id: 1 });
    expect(await orders.findById(1)).toEqual({ table: 'orders', id: 1 });
    expect(await users.findById(1)).toEqual({ table: 'users', id: 1 });
    expect(await orders.findById(1)).toEqual({ table: 'orders', id: 1 });
    expect([users.log.count('users:1'), orders.log.count('orders:1')]).toEqual([1, 1]);
  });
});
