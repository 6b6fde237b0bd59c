import { ServiceUnavailableException } from '@nestjs/common';
import type { Redis } from 'ioredis';

/** What `@InjectRedis()` gives the demo: its standalone client, or `null` when it runs in memory. */
export type DemoRedis = Redis | null;

/** The Redis-native examples have no in-memory stand-in: without Redis they answer 503 and say why. */
export function requireRedis(redis: DemoRedis): Redis {
  if (!redis) {
    throw new ServiceUnavailableException(
      'This endpoint uses Redis data structures directly and the demo is running without Redis. ' +
        'Start Redis (docker run --rm -p 6379:6379 redis:7) and restart the demo.',
    );
  }
  return redis;
}
