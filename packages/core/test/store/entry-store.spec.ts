import { entryStoreContract } from './entry-store.contract.js';
import { openStore, STORE_KINDS, type StoreFixture } from '../support/stores.js';

describe.each(STORE_KINDS)('EntryStore contract: %s', (kind) => {
  let fixture: StoreFixture;
  beforeAll(() => {
    fixture = openStore(kind);
  });
  afterAll(() => fixture.close());
  entryStoreContract(() => fixture.store);
});
