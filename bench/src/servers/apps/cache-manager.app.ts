import { createKeyv } from '@keyv/redis';
import { CacheInterceptor, CacheModule, CacheTTL } from '@nestjs/cache-manager';
import { Controller, Get, Module, UseInterceptors } from '@nestjs/common';
import { ProductSource } from '../product.source.js';

/** @nestjs/cache-manager's CacheInterceptor on cache-manager 7 + @keyv/redis, as its docs set it up. */
@Controller()
class CachedController {
  constructor(private readonly source: ProductSource) {}

  @Get('product')
  @UseInterceptors(CacheInterceptor)
  @CacheTTL(3_600_000)
  product(): Record<string, unknown> {
    return this.source.load();
  }
}

export async function buildModule(redisUrl: string): Promise<unknown> {
  @Module({
    imports: [
      CacheModule.registerAsync({
        useFactory: () => ({ stores: [createKeyv(redisUrl, { namespace: 'bench-http-cm' })] }),
      }),
    ],
    controllers: [CachedController],
    providers: [ProductSource],
  })
  class CacheManagerModule {}
  return CacheManagerModule;
}
