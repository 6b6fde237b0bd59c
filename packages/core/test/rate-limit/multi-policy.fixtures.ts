import type { RateLimitAlgorithm } from '@cachet/core';
import { MemoryStore } from '@cachet/core/store';
import type { Redis } from 'ioredis';
import { openStore, type StoreFixture, type StoreKind } from '../support/stores.js';
import { limiterOn } from './limiters.js';
import { uniqueNamespace } from '@cachet/testing';

export const ALGORITHMS: RateLimitAlgorithm[] = ['fixed-window', 'sliding-window', 'sliding-log', 'token-bucket'];
export const EXACT: RateLimitAlgorithm[] = ['fixed-window', 'sliding-log', 'token-bucket'];
// A long window keeps refill and window edges out of a burst, so counts must be exact (as in exactness.spec.ts).
export const HOUR = 3_600_000;

/** Several limiter instances (one connection each) sharing one namespace, as several app instances do. */
export function instances(kind: StoreKind, count: number) {
  const namespace = uniqueNamespace('rlm');
  const shared = kind === 'memory' ? new MemoryStore() : undefined;
  const stores: StoreFixture[] = shared ? [] : Array.from({ length: count }, () => openStore(kind));
  const limiters = Array.from({ length: count }, (_, i) =>
    limiterOn((shared ?? stores[i]!.store).rateLimits, { namespace }),
  );
  return {
    namespace,
    limiters,
    close: async () => {
      await Promise.all(stores.map((store) => store.close()));
      await shared?.close();
    },
  };
}

/** Script calls the masters have run (EVALSHA and EVAL), from INFO commandstats. */
export async function scriptCalls(masters: Redis[]): Promise<number> {
  let total = 0;
  for (const master of masters) {
    const info = await master.info('commandstats');
    for (const match of info.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+)/gm)) total += Number(match[2]);
  }
  return total;
}
