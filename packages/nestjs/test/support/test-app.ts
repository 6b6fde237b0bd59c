import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { testRedisUrl } from '@cachet/testing';
import { Redis } from 'ioredis';
import { CacheModule, type CacheModuleOptions } from '../../src/index.js';

/** Boots a Nest app with CacheModule on the run's Redis plus the given metadata. */
export async function bootCacheApp(
  metadata: ModuleMetadata,
  options: CacheModuleOptions = {},
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    ...metadata,
    imports: [CacheModule.forRoot({ redis: testRedisUrl(), ...options }), ...(metadata.imports ?? [])],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await initOrClose(app);
  return app;
}

/** A plain client to look at what the cache wrote (read-only use; never flushes). */
export function inspector(): Redis {
  return new Redis(testRedisUrl(), { lazyConnect: false });
}

/** Keys of a namespace (SCAN, test-only). */
export async function keysOf(redis: Redis, namespace: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.sort();
}

/** A counter of how often a source was really called. */
export class CallLog {
  readonly calls: string[] = [];

  record(label: string): void {
    this.calls.push(label);
  }

  count(label?: string): number {
    return label === undefined ? this.calls.length : this.calls.filter((call) => call === label).length;
  }
}

/** A failed bootstrap must still release its Redis connections, or the test run never exits. */
export async function initOrClose(app: INestApplication): Promise<void> {
  try {
    await app.init();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
