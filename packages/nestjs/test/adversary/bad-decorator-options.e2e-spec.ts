import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { CachetError } from '@cachet/core';
import { uniqueNamespace } from '@cachet/testing';
import { Cacheable, CacheEvict, RateLimit, SkipRateLimit, WriteBehind, WriteThrough } from '../../src/index.js';
import { bootCacheApp } from '../support/test-app.js';

type AnyDecorator = (target: object, key: string, descriptor: PropertyDescriptor) => void;

/** Declares a provider with one decorated method, and boots an app with it: a bad option must fail one or the other. */
async function failureOf(decorate: () => AnyDecorator): Promise<unknown> {
  let app: INestApplication | undefined;
  try {
    @Injectable()
    class Decorated {
      async method(_id: string): Promise<string> {
        return 'x';
      }
    }
    const descriptor = Object.getOwnPropertyDescriptor(Decorated.prototype, 'method')!;
    decorate()(Decorated.prototype, 'method', descriptor);
    Object.defineProperty(Decorated.prototype, 'method', descriptor);
    app = await bootCacheApp({ providers: [Decorated] }, { namespace: uniqueNamespace('bad-deco') });
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app?.close();
  }
}

const BAD: Array<[string, () => AnyDecorator]> = [
  ['@Cacheable(null)', () => Cacheable(null as never) as AnyDecorator],
  ['@Cacheable ttl "abc"', () => Cacheable({ ttl: 'abc' as never }) as AnyDecorator],
  ['@Cacheable ttl -1', () => Cacheable({ ttl: -1 }) as AnyDecorator],
  ['@Cacheable jitter 2', () => Cacheable({ jitter: 2 }) as AnyDecorator],
  ['@Cacheable key string', () => Cacheable({ key: 'fixed' as never }) as AnyDecorator],
  ['@Cacheable tags string', () => Cacheable({ tags: 'a' as never }) as AnyDecorator],
  ['@Cacheable lock null', () => Cacheable({ lock: null as never }) as AnyDecorator],
  ['@Cacheable earlyRefresh beta -1', () => Cacheable({ earlyRefresh: { beta: -1 } }) as AnyDecorator],
  ['@Cacheable cacheNull ttl bad', () => Cacheable({ cacheNull: { ttl: 'x' as never } }) as AnyDecorator],
  ['@Cacheable namespace bad', () => Cacheable({ namespace: 'a b' }) as AnyDecorator],
  ['@Cacheable unknown option', () => Cacheable({ tll: '1m' } as never) as AnyDecorator],
  ['@CacheEvict keys string', () => CacheEvict({ keys: 'k' as never }) as AnyDecorator],
  ['@CacheEvict nothing', () => CacheEvict({}) as AnyDecorator],
  ['@WriteThrough no key', () => WriteThrough({} as never) as AnyDecorator],
  ['@WriteBehind no queue', () => WriteBehind({ key: () => 'k' } as never) as AnyDecorator],
  ['@WriteBehind maxAttempts 0', () => WriteBehind({ queue: 'q', key: () => 'k', maxAttempts: 0 }) as AnyDecorator],
  ['@RateLimit(null)', () => RateLimit(null as never) as AnyDecorator],
  ['@RateLimit([])', () => RateLimit([]) as AnyDecorator],
  ['@RateLimit limit 0', () => RateLimit({ limit: 0, window: '1m', by: () => 'x' }) as AnyDecorator],
  ['@RateLimit no window', () => RateLimit({ limit: 1, by: () => 'x' } as never) as AnyDecorator],
  [
    '@RateLimit algorithm bogus',
    () => RateLimit({ limit: 1, window: '1m', algorithm: 'leaky' as never, by: () => 'x' }) as AnyDecorator,
  ],
  ['@RateLimit cost -1', () => RateLimit({ limit: 1, window: '1m', cost: -1, by: () => 'x' }) as AnyDecorator],
  ['@SkipRateLimit number', () => SkipRateLimit(5 as never) as AnyDecorator],
];

describe('bad decorator options fail at decoration or bootstrap with a typed error', () => {
  it.each(BAD)('%s', async (_label, decorate) => {
    const failure = await failureOf(decorate);
    expect(failure).toBeInstanceOf(CachetError);
  });
});
