import { Cluster, Redis } from 'ioredis';
import { MemoryStore, RedisConnection, RedisStore, type Store } from '@cachet/core/store';
import { testClusterNodes, testRedisUrl } from '@cachet/testing';

/** A store under test and how to dispose of it. */
export interface StoreFixture {
  name: 'memory' | 'redis' | 'cluster';
  store: Store;
  close(): Promise<void>;
}

export type StoreKind = StoreFixture['name'];

export const STORE_KINDS: StoreKind[] = ['memory', 'redis', 'cluster'];

/** The kinds that talk to a redis-server. */
export const REDIS_STORE_KINDS = ['redis', 'cluster'] as const satisfies readonly StoreKind[];

/** Opens a fresh store of each kind against the run's shared servers. */
export function openStore(kind: StoreKind): StoreFixture {
  if (kind === 'memory') {
    const store = new MemoryStore();
    return { name: kind, store, close: () => store.close() };
  }
  const client =
    kind === 'redis'
      ? new Redis(testRedisUrl(), { enableAutoPipelining: true })
      : new Cluster(testClusterNodes(), { enableAutoPipelining: true });
  const store = new RedisStore(RedisConnection.from(client, { commandTimeoutMs: 2_000 }));
  return {
    name: kind,
    store,
    async close() {
      await store.close();
      await client.quit();
    },
  };
}
