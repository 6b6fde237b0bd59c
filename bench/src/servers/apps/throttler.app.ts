import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import { ProductSource } from '../product.source.js';
import { NEVER_REFUSED_LIMIT } from './rate-limit.constants.js';

/** @nestjs/throttler's ThrottlerGuard with the Redis storage of @nest-lab/throttler-storage-redis. */
@Controller()
class LimitedController {
  constructor(private readonly source: ProductSource) {}

  @Get('product')
  product(): Record<string, unknown> {
    return this.source.load();
  }
}

export async function buildModule(redisUrl: string): Promise<unknown> {
  const redis = new Redis(redisUrl, { enableAutoPipelining: true, keyPrefix: 'bench-throttler:' });
  @Module({
    imports: [
      ThrottlerModule.forRoot({
        throttlers: [{ ttl: 60_000, limit: NEVER_REFUSED_LIMIT }],
        storage: new ThrottlerStorageRedisService(redis),
      }),
    ],
    controllers: [LimitedController],
    providers: [ProductSource, { provide: APP_GUARD, useClass: ThrottlerGuard }],
  })
  class ThrottlerAppModule {}
  return ThrottlerAppModule;
}
