import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { uniqueNamespace } from '@cachet/testing';
import { WriteBehind, type CacheModuleOptions } from '../../src/index.js';
import { WriteBehindOrchestrator } from '../../src/write-behind/write-behind.orchestrator.js';
import { bootCacheApp, CallLog } from '../support/test-app.js';

const persisted = new CallLog();

/** A generic repository whose save is write-behind, declared once on the base. */
abstract class Repository {
  protected abstract readonly table: string;

  @WriteBehind({ queue: 'rows', key: (id: number) => `row:${id}` })
  async save(id: number): Promise<void> {
    persisted.record(`${this.table}:${id}`);
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

const options = (): CacheModuleOptions => ({
  namespace: uniqueNamespace('inherited-wb'),
  writeBehind: { flushInterval: '1h' },
});

describe('@WriteBehind declared on an abstract base class', () => {
  it('persists the writes of the one subclass on its instance', async () => {
    const app = await bootCacheApp({ providers: [OrderRepository] }, options());
    try {
      await app.get(OrderRepository).save(2);
      await app.get(WriteBehindOrchestrator).drain(5_000);
      expect(persisted.calls).toEqual(['orders:2']);
    } finally {
      await app.close();
    }
  });

  it('refuses two subclasses on the one queue at bootstrap, naming both (an item cannot say whose it is)', async () => {
    // Before, the flusher persisted every item on the first subclass found: an order saved into users.
    let booted: INestApplication | undefined;
    const failure = await bootCacheApp({ providers: [UserRepository, OrderRepository] }, options()).then(
      (app) => void (booted = app),
      (error: unknown) => error,
    );
    await booted?.close();
    expect(String(failure)).toMatch(/OrderRepository\.save.*"rows".*UserRepository\.save/);
  });
});
