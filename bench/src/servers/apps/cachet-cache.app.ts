import { CacheInterceptor, CacheModule, HttpCache } from '@cachet/nestjs';
import { Controller, Get, Module, UseInterceptors } from '@nestjs/common';
import { ProductSource } from '../product.source.js';

/** Cachet's CacheInterceptor, as the HTTP caching guide sets it up. */
@Controller()
class CachedController {
  constructor(private readonly source: ProductSource) {}

  @Get('product')
  @UseInterceptors(CacheInterceptor)
  @HttpCache({ ttl: '1h' })
  product(): Record<string, unknown> {
    return this.source.load();
  }
}

export async function buildModule(redisUrl: string): Promise<unknown> {
  @Module({
    imports: [CacheModule.forRoot({ redis: redisUrl, namespace: 'bench-http-cachet', ttl: '1h' })],
    controllers: [CachedController],
    providers: [ProductSource],
  })
  class CachetAppModule {}
  return CachetAppModule;
}
