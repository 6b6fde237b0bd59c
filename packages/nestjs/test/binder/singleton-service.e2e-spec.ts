import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { Cacheable, CacheService } from '../../src/index.js';
import { bootCacheApp, CallLog } from '../support/test-app.js';
import { uniqueNamespace } from '@cachet/testing';

@Injectable()
class PriceService {
  readonly log = new CallLog();

  @Cacheable({ key: (sku: string) => `price:${sku}`, ttl: '1m' })
  async price(sku: string): Promise<number> {
    this.log.record(sku);
    return sku.length * 10;
  }

  @Cacheable()
  async quote(sku: string, quantity: number): Promise<{ sku: string; total: number }> {
    this.log.record(`quote:${sku}:${quantity}`);
    return { sku, total: sku.length * quantity };
  }
}

describe('@Cacheable on a singleton service', () => {
  let app: INestApplication;
  let service: PriceService;
  let namespace: string;

  beforeAll(async () => {
    namespace = uniqueNamespace('singleton');
    app = await bootCacheApp({ providers: [PriceService] }, { namespace });
    service = app.get(PriceService);
  });

  afterAll(() => app.close());

  it('runs the method once per key and serves later calls from the cache', async () => {
    expect(await service.price('abc')).toBe(30);
    expect(await service.price('abc')).toBe(30);
    expect(await service.price('abcd')).toBe(40);
    expect(service.log.count('abc')).toBe(1);
    expect(service.log.count('abcd')).toBe(1);
    expect(await app.get(CacheService).get('price:abc')).toBe(30);
  });

  it('runs the method once for concurrent callers of a cold key', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => service.price('cold')));
    expect(new Set(results)).toEqual(new Set([40]));
    expect(service.log.count('cold')).toBe(1);
  });

  it('keys by class, method and a stable hash of the arguments by default', async () => {
    expect(await service.quote('ab', 3)).toEqual({ sku: 'ab', total: 6 });
    expect(await service.quote('ab', 3)).toEqual({ sku: 'ab', total: 6 });
    expect(await service.quote('ab', 4)).toEqual({ sku: 'ab', total: 8 });
    expect(service.log.count('quote:ab:3')).toBe(1);
    expect(service.log.count('quote:ab:4')).toBe(1);
  });

  it('keeps the method name', () => {
    expect(service.price.name).toBe('price');
    expect(PriceService.prototype.quote.name).toBe('quote');
  });
});
