import 'reflect-metadata';
import { Controller, Get, Injectable, type Type } from '@nestjs/common';
import { CacheBindingError, Cacheable, CacheEvict, WriteThrough } from '../../src/index.js';
import { bootCacheApp } from '../support/test-app.js';
import { uniqueNamespace } from '@cachet/testing';

@Injectable()
class SyncService {
  // @ts-expect-error a cache decorator needs an async method: TypeScript refuses it, bootstrap too
  @Cacheable()
  total(a: number, b: number): number {
    return a + b;
  }
}

@Controller()
class ObservableController {
  // Returning something that is not a Promise, without a declared Promise type.
  // @ts-expect-error the decorator's type also requires a Promise
  @Cacheable({ key: () => 'obs' })
  @Get()
  list() {
    return [1, 2, 3];
  }
}

@Injectable()
class StringKeyService {
  // @ts-expect-error the key must be a function
  @Cacheable({ key: 'user' })
  async find(id: string): Promise<string> {
    return id;
  }
}

@Injectable()
class BadTtlService {
  @Cacheable({ key: (id: string) => `x:${id}`, ttl: '10 minutes' as '10m' })
  async find(id: string): Promise<string> {
    return id;
  }
}

@Injectable()
class HugeTtlService {
  @Cacheable({ key: (id: string) => `x:${id}`, ttl: 2 ** 50 })
  async find(id: string): Promise<string> {
    return id;
  }
}

@Injectable()
class HugeStaleService {
  @Cacheable({ key: (id: string) => `x:${id}`, staleIfError: '1000000d' })
  async find(id: string): Promise<string> {
    return id;
  }
}

@Injectable()
class EmptyEvictService {
  @CacheEvict({})
  async remove(): Promise<void> {}
}

@Injectable()
class KeylessWriteThroughService {
  // @ts-expect-error key is required
  @WriteThrough({ ttl: '1m' })
  async save(): Promise<void> {}
}

@Injectable()
class TypoService {
  // @ts-expect-error unknown option
  @Cacheable({ key: () => 'k', tll: '1m' })
  async find(): Promise<string> {
    return 'x';
  }
}

@Injectable()
class DeclaredPromiseService {
  @Cacheable({ key: (id: string) => `declared:${id}` })
  find(id: string): Promise<string> {
    return Promise.resolve(id);
  }
}

const cases: Array<[string, Type, RegExp]> = [
  [
    'a method that is not async',
    SyncService,
    /^SyncService\.total: @Cacheable needs an async method, but it returns Number/,
  ],
  [
    'a handler that returns an array',
    ObservableController,
    /^ObservableController\.list: @Cacheable needs an async method/,
  ],
  [
    'a key that is not a function',
    StringKeyService,
    /^StringKeyService\.find: @Cacheable option "key" is "user"; expected a function/,
  ],
  ['a bad duration', BadTtlService, /BadTtlService\.find @Cacheable: ttl.*"10 minutes"/],
  ['a ttl Redis cannot take', HugeTtlService, /HugeTtlService\.find @Cacheable: ttl": 1125899906842624.*2\^46/],
  [
    'a stale window Redis cannot take',
    HugeStaleService,
    /HugeStaleService\.find @Cacheable: staleIfError": "1000000d"/,
  ],
  [
    'an eviction of nothing',
    EmptyEvictService,
    /^EmptyEvictService\.remove: @CacheEvict option "keys".*at least one of keys, tags or allEntries/,
  ],
  [
    'a write-through without key',
    KeylessWriteThroughService,
    /^KeylessWriteThroughService\.save: @WriteThrough option "key" is undefined/,
  ],
  ['an unknown option', TypoService, /^TypoService\.find: @Cacheable option "tll" is "1m"; expected one of key, ttl/],
];

describe('bootstrap validation of decorated methods', () => {
  it.each(cases)('fails app.init() on %s, naming Class.method', async (_label, type, message) => {
    const metadata = Reflect.getMetadata('path', type) !== undefined ? { controllers: [type] } : { providers: [type] };
    const boot = bootCacheApp(metadata, { namespace: uniqueNamespace('validation') });
    await expect(boot).rejects.toThrow(message);
    await boot.catch((error: unknown) => expect(error).toBeInstanceOf(Error));
  });

  it('reports a misuse as a CacheBindingError with a stable code', async () => {
    const error: unknown = await bootCacheApp({ providers: [SyncService] }, { namespace: uniqueNamespace('v') }).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(CacheBindingError);
    expect(error).toMatchObject({ code: 'E_CACHE_CONFIG', method: 'SyncService.total' });
  });

  it('accepts a method that is not declared async but is typed to return a Promise', async () => {
    const app = await bootCacheApp({ providers: [DeclaredPromiseService] }, { namespace: uniqueNamespace('v') });
    expect(await app.get(DeclaredPromiseService).find('a')).toBe('a');
    await app.close();
  });

  it('refuses a static method when the class is defined', () => {
    expect(() => {
      class StaticService {
        @Cacheable()
        static async find(): Promise<number> {
          return 1;
        }
      }
      return StaticService;
    }).toThrow(/StaticService\.find: @Cacheable cannot decorate a static method/);
  });

  it('refuses the same decorator twice on one method', () => {
    expect(() => {
      class TwiceService {
        @Cacheable({ key: () => 'a' })
        @Cacheable({ key: () => 'b' })
        async find(): Promise<number> {
          return 1;
        }
      }
      return TwiceService;
    }).toThrow(/TwiceService\.find: @Cacheable is applied twice/);
  });
});
