import 'reflect-metadata';
import { Injectable, Scope, type INestApplication } from '@nestjs/common';
import { sleep, uniqueNamespace } from '@cachet/testing';
import { Cacheable, CacheService, WriteBehind } from '../../src/index.js';
import { bootCacheApp, CallLog } from '../support/test-app.js';

const database = new Map<string, string>();
const constructed = new CallLog();
let open!: () => void;
/** The persister waits on this gate: the write stays unpersisted for as long as the test needs. */
const gate = new Promise<void>((resolve) => (open = resolve));

@Injectable({ scope: Scope.TRANSIENT })
class ProfileStore {
  constructor() {
    constructed.record('ProfileStore');
  }

  @WriteBehind({
    queue: 'profiles',
    key: (id: string, _name: string) => `profile:${id}`,
    value: (_id: string, name: string) => name,
    ttl: '100ms',
  })
  async save(id: string, name: string): Promise<void> {
    await gate;
    database.set(id, name);
  }

  @Cacheable({ key: (id: string) => `profile:${id}`, ttl: '100ms' })
  async load(id: string): Promise<string | undefined> {
    return database.get(id);
  }
}

describe('@WriteBehind on a transient provider: reads before the flush', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await bootCacheApp(
      { providers: [ProfileStore] },
      { namespace: uniqueNamespace('wb-pending'), writeBehind: { flushInterval: '1h' } },
    );
  });
  afterAll(() => app.close());

  it('reads of the key return the new value past its TTL until it is persisted, then the database has it', async () => {
    database.set('1', 'old');
    const store = await app.resolve(ProfileStore);
    await store.save('1', 'new');
    await sleep(300);
    expect(await store.load('1')).toBe('new');
    expect(await app.get(CacheService).get('profile:1')).toBe('new');
    expect(database.get('1')).toBe('old');
    open();
    await app.get(CacheService).flushWriteBehind();
    expect(database.get('1')).toBe('new');
    // The flusher built instances of its own (the transient class has no singleton); the test's one is the first.
    expect(constructed.count('ProfileStore')).toBeGreaterThanOrEqual(2);
  });
});
