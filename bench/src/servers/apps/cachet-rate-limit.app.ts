import { CacheModule, RateLimit, RateLimitGuard } from '@cachet/nestjs';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { ProductSource } from '../product.source.js';
import { NEVER_REFUSED_LIMIT, WINDOW_SECONDS } from './rate-limit.constants.js';

/** Cachet's RateLimitGuard with one per-IP policy (the default algorithm, sliding window). */
@Controller()
@UseGuards(RateLimitGuard)
class LimitedController {
  constructor(private readonly source: ProductSource) {}

  @Get('product')
  @RateLimit({ name: 'api', limit: NEVER_REFUSED_LIMIT, window: `${WINDOW_SECONDS}s` })
  product(): Record<string, unknown> {
    return this.source.load();
  }
}

export async function buildModule(redisUrl: string): Promise<unknown> {
  @Module({
    imports: [CacheModule.forRoot({ redis: redisUrl, namespace: 'bench-http-rl' })],
    controllers: [LimitedController],
    providers: [ProductSource],
  })
  class CachetRateLimitModule {}
  return CachetRateLimitModule;
}
