import type { Store } from '@cachet/core/store';
import { resolveTestApi, type ContractTestApi } from './contract-test-api.js';
import { entryStoreContract } from './entry-store.contract.js';
import { lockStoreContract } from './lock-store.contract.js';
import { messageBusContract } from './message-bus.contract.js';
import { queueStoreContract } from './queue-store.contract.js';
import { rateLimitStoreContract } from './rate-limit-store.contract.js';

/** A store opened for the suite, and how to dispose of it (its client, its server) afterwards. */
export interface OpenedStore {
  store: Store;
  close(): Promise<void>;
}

/**
 * Registers the whole Store contract — entries, locks, queues, rate limits
 * and the message bus — against one store, opened once before the cases and
 * closed after them. Each case works in a namespace of its own, so the store
 * may be shared with other tests. Uses the runner's globals unless `test`
 * supplies the functions.
 */
export function describeStoreContract(
  name: string,
  open: () => OpenedStore | Promise<OpenedStore>,
  test?: ContractTestApi,
): void {
  const api = resolveTestApi(test);
  api.describe(`Store contract: ${name}`, () => {
    let opened: OpenedStore | undefined;
    api.beforeAll(async () => {
      opened = await open();
      await opened.store.ready(10_000);
    });
    api.afterAll(async () => {
      await opened?.close();
    });
    const getStore = (): Store => {
      if (!opened) throw new Error(`the store "${name}" did not open (see the failure of beforeAll)`);
      return opened.store;
    };
    api.describe('entries', () => entryStoreContract(getStore, api));
    api.describe('locks', () => lockStoreContract(getStore, api));
    api.describe('queues', () => queueStoreContract(getStore, api));
    api.describe('rate limits', () => rateLimitStoreContract(getStore, api));
    api.describe('message bus', () => messageBusContract(getStore, api));
  });
}
