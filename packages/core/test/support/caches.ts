import { createCache, type Cache, type CacheLogger, type CacheOptions } from '@cachet/core';
import { openStore, type StoreFixture, type StoreKind } from './stores.js';
import { uniqueNamespace } from '@cachet/testing';

/** A logger that records instead of printing, so tests can count log lines. */
export function recordingLogger(): CacheLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log: (message) => lines.push(`log ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

export interface CacheFixture {
  cache: Cache;
  fixture: StoreFixture;
  close(): Promise<void>;
}

/** A cache on a fresh, connected store of `kind`, in a namespace of its own. */
export async function openCache(
  kind: StoreKind,
  options: Omit<CacheOptions, 'store' | 'redis'> = {},
): Promise<CacheFixture> {
  const fixture = openStore(kind);
  await fixture.store.ready(10_000);
  const cache = createCache({
    namespace: uniqueNamespace(),
    logger: recordingLogger(),
    ...options,
    store: fixture.store,
  });
  return {
    cache,
    fixture,
    async close() {
      await cache.close();
      await fixture.close();
    },
  };
}
