import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { CacheKeyError } from '@cachet/core';
import { KeySpace } from '@cachet/core/store';
import type { Redis } from 'ioredis';
import { Cacheable, CacheService } from '../../src/index.js';
import { bootCacheApp, CallLog, inspector, keysOf } from '../support/test-app.js';
import { uniqueNamespace } from '@cachet/testing';

@Injectable()
class OptionsService {
  readonly log = new CallLog();

  @Cacheable({ key: (id: string) => `plain:${id}`, ttl: '1m' })
  async plain(id: string): Promise<string> {
    this.log.record(`plain:${id}`);
    return id;
  }

  @Cacheable({
    key: (id: string) => `cond:${id}`,
    condition: (id: string) => !id.startsWith('live-'),
  })
  async conditional(id: string): Promise<number> {
    this.log.record(`cond:${id}`);
    return this.log.count(`cond:${id}`);
  }

  @Cacheable({ key: (id: string) => `unless:${id}`, unless: (result: { partial: boolean }) => result.partial })
  async unlessPartial(id: string): Promise<{ partial: boolean; n: number }> {
    this.log.record(`unless:${id}`);
    return { partial: id === 'p', n: this.log.count(`unless:${id}`) };
  }

  @Cacheable({ key: (id: string) => `plain-miss:${id}` })
  async missingByDefault(id: string): Promise<null> {
    this.log.record(`plain-miss:${id}`);
    return null;
  }

  @Cacheable({ key: (id: string) => `null:${id}`.replace('null', 'neg'), cacheNull: { ttl: '30s' } })
  async negative(id: string): Promise<null> {
    this.log.record(`neg:${id}`);
    return null;
  }

  @Cacheable({ key: (id: string) => `cond-ttl:${id}`, ttl: (result: { hot: boolean }) => (result.hot ? '2m' : '10s') })
  async conditionalTtl(id: string): Promise<{ hot: boolean }> {
    return { hot: id === 'hot' };
  }

  @Cacheable({ key: (id: string) => `sliding:${id}`, ttl: '20s', sliding: true, maxAge: '1h' })
  async sliding(id: string): Promise<string> {
    return id;
  }

  @Cacheable({ key: (id?: string) => `bad:${id}` })
  async badKey(_id?: string): Promise<string> {
    return 'never cached';
  }

  @Cacheable({ key: (id: string) => `jitter:${id}`, ttl: '100s', jitter: 0.5 })
  async jittered(id: string): Promise<string> {
    return id;
  }
}

describe('@Cacheable options', () => {
  let app: INestApplication;
  let service: OptionsService;
  let namespace: string;
  let redis: Redis;

  beforeAll(async () => {
    namespace = uniqueNamespace('options');
    app = await bootCacheApp({ providers: [OptionsService] }, { namespace, ttl: '1h' });
    service = app.get(OptionsService);
    redis = inspector();
  });

  afterAll(async () => {
    await app.close();
    redis.disconnect();
  });

  const entryKey = (key: string) => new KeySpace(namespace).entry(key).entry;
  const pttl = (key: string) => redis.pttl(entryKey(key));

  it('writes entries with the TTL it was given', async () => {
    await service.plain('a');
    const ttl = await pttl('plain:a');
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('bypasses the cache when condition is false', async () => {
    expect(await service.conditional('live-1')).toBe(1);
    expect(await service.conditional('live-1')).toBe(2);
    expect(await service.conditional('archived-1')).toBe(1);
    expect(await service.conditional('archived-1')).toBe(1);
    expect(await app.get(CacheService).get('cond:live-1')).toBeUndefined();
  });

  it('returns but does not store a result for which unless is true', async () => {
    expect(await service.unlessPartial('p')).toEqual({ partial: true, n: 1 });
    expect(await service.unlessPartial('p')).toEqual({ partial: true, n: 2 });
    expect(await service.unlessPartial('f')).toEqual({ partial: false, n: 1 });
    expect(await service.unlessPartial('f')).toEqual({ partial: false, n: 1 });
  });

  it('does not cache null unless cacheNull says so', async () => {
    await service.missingByDefault('x');
    await service.missingByDefault('x');
    expect(service.log.count('plain-miss:x')).toBe(2);
    await service.negative('x');
    await service.negative('x');
    expect(service.log.count('neg:x')).toBe(1);
    const ttl = await pttl('neg:x');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('takes the TTL from the result when ttl is a function', async () => {
    await service.conditionalTtl('hot');
    await service.conditionalTtl('cold');
    expect(await pttl('cond-ttl:hot')).toBeGreaterThan(60_000);
    expect(await pttl('cond-ttl:cold')).toBeLessThanOrEqual(10_000);
  });

  it('resets a sliding entry’s TTL on each hit', async () => {
    await service.sliding('s');
    await redis.pexpire(entryKey('sliding:s'), 5_000); // as if 15 s had passed
    expect(await service.sliding('s')).toBe('s');
    expect(await pttl('sliding:s')).toBeGreaterThan(15_000);
  });

  it('spreads expiry with jitter, never beyond the TTL', async () => {
    await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => service.jittered(id)));
    const ttls = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => pttl(`jitter:${id}`)));
    for (const ttl of ttls) {
      expect(ttl).toBeGreaterThan(49_000);
      expect(ttl).toBeLessThanOrEqual(100_000);
    }
  });

  it('rejects a key that contains undefined at call time, before running the method', async () => {
    const call = service.badKey();
    expect(call).toBeInstanceOf(Promise);
    await expect(call).rejects.toBeInstanceOf(CacheKeyError);
  });

  it('writes every key under the module namespace', async () => {
    const keys = await keysOf(redis, namespace);
    expect(keys.length).toBeGreaterThan(0);
  });
});
