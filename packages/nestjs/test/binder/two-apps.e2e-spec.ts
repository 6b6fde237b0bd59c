import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Cacheable, CacheEvict, CacheService } from '../../src/index.js';
import { bootCacheApp, CallLog, inspector, keysOf } from '../support/test-app.js';
import { uniqueNamespace } from '@cachet/testing';

@Injectable()
class CounterService {
  readonly log = new CallLog();

  @Cacheable({ key: (name: string) => `counter:${name}`, tags: ['counters'] })
  async read(name: string): Promise<string> {
    this.log.record(name);
    return `${name}#${this.log.count(name)}`;
  }

  @CacheEvict({ tags: ['counters'] })
  async reset(): Promise<void> {}
}

describe('two Nest apps in one process', () => {
  const namespaceA = uniqueNamespace('app-a');
  const namespaceB = uniqueNamespace('app-b');
  let appA: INestApplication;
  let appB: INestApplication;
  let redis: Redis;

  beforeAll(async () => {
    appA = await bootCacheApp({ providers: [CounterService] }, { namespace: namespaceA });
    appB = await bootCacheApp({ providers: [CounterService] }, { namespace: namespaceB });
    redis = inspector();
  });

  afterAll(async () => {
    await Promise.all([appA.close(), appB.close()]);
    redis.disconnect();
  });

  it('each app uses its own module configuration and never touches the other’s keys', async () => {
    const serviceA = appA.get(CounterService);
    const serviceB = appB.get(CounterService);
    expect(serviceA).not.toBe(serviceB);

    expect(await serviceA.read('x')).toBe('x#1');
    expect(await serviceA.read('x')).toBe('x#1');
    // Same class, same key, other app: not a hit on A's entry.
    expect(await serviceB.read('x')).toBe('x#1');
    expect(serviceB.log.count('x')).toBe(1);

    const keysA = await keysOf(redis, namespaceA);
    const keysB = await keysOf(redis, namespaceB);
    expect(keysA.length).toBeGreaterThan(0);
    expect(keysB.length).toBeGreaterThan(0);
    expect(keysA.every((key) => key.startsWith(`${namespaceA}:`))).toBe(true);
    expect(keysB.every((key) => key.startsWith(`${namespaceB}:`))).toBe(true);
    expect(await appA.get(CacheService).get('counter:x')).toBe('x#1');
    expect(appA.get(CacheService).namespace).toBe(namespaceA);
    expect(appB.get(CacheService).namespace).toBe(namespaceB);
  });

  it('an eviction in one app leaves the other app’s entries alone', async () => {
    const serviceA = appA.get(CounterService);
    const serviceB = appB.get(CounterService);
    await serviceA.read('y');
    await serviceB.read('y');
    await serviceA.reset();
    expect(await serviceA.read('y')).toBe('y#2');
    expect(await serviceB.read('y')).toBe('y#1');
  });

  it('closing one app leaves the other working', async () => {
    const other = await bootCacheApp({ providers: [CounterService] }, { namespace: uniqueNamespace('app-c') });
    await other.get(CounterService).read('z');
    await other.close();
    expect(await appA.get(CounterService).read('z')).toBe('z#1');
  });
});
