import { messageBusContract } from '@cachet/testing';
import { openStore, STORE_KINDS, type StoreFixture } from '../support/stores.js';

// The contract a third-party store runs too (docs/testing.md), here against every store Cachet ships.
describe.each(STORE_KINDS)('MessageBus contract: %s', (kind) => {
  let fixture: StoreFixture;
  beforeAll(async () => {
    fixture = openStore(kind);
    await fixture.store.ready(10_000);
  });
  afterAll(() => fixture.close());
  messageBusContract(() => fixture.store);
});
