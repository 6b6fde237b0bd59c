import { Inject } from '@nestjs/common';
import { CACHE_REDIS } from '../cache.constants.js';

/**
 * Injects the ioredis client (`Redis` or `Cluster`) the cache module uses: the
 * one it opened (and closes on shutdown) or the one you passed as `redis`.
 * `null` with `store: 'memory'`.
 *
 * ```ts
 * constructor(@InjectRedis() private readonly redis: Redis) {}
 * ```
 */
export const InjectRedis = (): PropertyDecorator & ParameterDecorator => Inject(CACHE_REDIS);
