import 'reflect-metadata';
import { Injectable, Logger, type INestApplication } from '@nestjs/common';
import { jest } from '@jest/globals';
import { Cacheable, CacheEvict, CacheService } from '../../src/index.js';
import { bootCacheApp, CallLog } from '../support/test-app.js';
import { uniqueNamespace } from '@cachet/testing';

@Injectable()
class InventoryService {
  readonly log = new CallLog();

  @Cacheable({ key: (sku: string) => `stock:${sku}` })
  async stock(sku: string): Promise<number> {
    this.log.record(sku);
    return this.log.count(sku);
  }

  @CacheEvict({ keys: (sku: string) => [`stock:${sku}`] })
  async restock(sku: string): Promise<string> {
    return sku;
  }
}

describe('an instance Nest did not build', () => {
  afterEach(() => jest.restoreAllMocks());

  it('calls straight through, uncached, with one warning', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const service = new InventoryService();
    expect(await service.stock('a')).toBe(1);
    expect(await service.stock('a')).toBe(2);
    expect(await service.restock('a')).toBe('a');
    expect(await new InventoryService().stock('b')).toBe(1);
    const unboundWarnings = warn.mock.calls.filter(([message]) => String(message).includes('InventoryService'));
    expect(unboundWarnings).toHaveLength(1);
    expect(String(unboundWarnings[0]![0])).toMatch(
      /InventoryService\.stock was called on an instance Nest did not build/,
    );
  });

  it('passes through when provided with useFactory, while the Nest-built instance is cached', async () => {
    const FACTORY_BUILT = Symbol('FACTORY_BUILT');
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const app: INestApplication = await bootCacheApp(
      {
        providers: [InventoryService, { provide: FACTORY_BUILT, useFactory: () => new InventoryService() }],
      },
      { namespace: uniqueNamespace('unbound') },
    );
    const built = app.get(InventoryService);
    const handMade = app.get<InventoryService>(FACTORY_BUILT);
    expect(await built.stock('c')).toBe(1);
    expect(await built.stock('c')).toBe(1);
    expect(await handMade.stock('c')).toBe(1);
    expect(await handMade.stock('c')).toBe(2);
    expect(await app.get(CacheService).get('stock:c')).toBe(1);
    await app.close();
  });
});
