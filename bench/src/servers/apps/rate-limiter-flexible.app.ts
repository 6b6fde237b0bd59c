import {
  Controller,
  Get,
  Injectable,
  Module,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { ProductSource } from '../product.source.js';
import { NEVER_REFUSED_LIMIT, WINDOW_SECONDS } from './rate-limit.constants.js';

/** rate-limiter-flexible's RateLimiterRedis behind a minimal Nest guard keyed by client IP. */
export async function buildModule(redisUrl: string): Promise<unknown> {
  const limiter = new RateLimiterRedis({
    storeClient: new Redis(redisUrl, { enableAutoPipelining: true }),
    keyPrefix: 'bench-rlf',
    points: NEVER_REFUSED_LIMIT,
    duration: WINDOW_SECONDS,
  });

  @Injectable()
  class FlexibleGuard implements CanActivate {
    async canActivate(context: ExecutionContext): Promise<boolean> {
      const request = context.switchToHttp().getRequest<{ ip?: string }>();
      await limiter.consume(request.ip ?? 'unknown');
      return true;
    }
  }

  @Controller()
  @UseGuards(FlexibleGuard)
  class LimitedController {
    constructor(private readonly source: ProductSource) {}

    @Get('product')
    product(): Record<string, unknown> {
      return this.source.load();
    }
  }

  @Module({ controllers: [LimitedController], providers: [ProductSource, FlexibleGuard] })
  class FlexibleAppModule {}
  return FlexibleAppModule;
}
