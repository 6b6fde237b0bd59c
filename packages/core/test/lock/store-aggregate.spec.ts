import { createLockManager, createWriteBehind } from '@cachet/core';
import { openStore, STORE_KINDS } from '../support/stores.js';
import { recordingLogger } from '../support/caches.js';
import { uniqueNamespace } from '@cachet/testing';

describe.each(STORE_KINDS)('the %s Store aggregate carries locks and queues', (kind) => {
  it('withLock and write-behind run on store.locks / store.queues', async () => {
    const fixture = openStore(kind);
    const namespace = uniqueNamespace('agg');
    const locks = createLockManager({ store: fixture.store, namespace, logger: recordingLogger() });
    const writeBehind = createWriteBehind({
      store: fixture.store,
      namespace,
      logger: recordingLogger(),
      batch: { interval: '20ms' },
    });
    try {
      const persisted: string[] = [];
      writeBehind.registerHandler('q', { handle: async (item) => void persisted.push(item.key) });
      await writeBehind.start();
      const token = await locks.withLock('job', async ({ fencingToken }) => {
        await writeBehind.append('q', { key: 'k1', args: [1], value: 1 });
        return fencingToken;
      });
      expect(token).toBeGreaterThan(0);
      await writeBehind.drain(5_000);
      expect(persisted).toEqual(['k1']);
    } finally {
      await writeBehind.close();
      await locks.close();
      await fixture.close();
    }
  });
});
