import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { createCache, type Cache } from '@cachet/core';
import { Redis } from 'ioredis';
import { DEMO_CONFIG, type DemoConfig } from '../config/demo-config.js';

export const DEMO_CACHE = Symbol('DEMO_CACHE');
export const DEMO_REDIS = Symbol('DEMO_REDIS');

/** The Redis client for the Redis-native examples; `null` when the demo runs in memory. */
export type DemoRedis = Redis | null;

@Global()
@Module({
  providers: [
    {
      provide: DEMO_REDIS,
      inject: [DEMO_CONFIG],
      useFactory: (config: DemoConfig): DemoRedis => (config.store === 'redis' ? new Redis(config.redisUrl) : null),
    },
    {
      provide: DEMO_CACHE,
      inject: [DEMO_CONFIG, DEMO_REDIS],
      useFactory: (config: DemoConfig, redis: DemoRedis): Cache =>
        createCache(
          redis
            ? { redis, namespace: config.namespace, ttl: '10m' }
            : { store: 'memory', namespace: config.namespace, ttl: '10m' },
        ),
    },
  ],
  exports: [DEMO_CACHE, DEMO_REDIS],
})
export class DemoCacheModule implements OnApplicationShutdown {
  constructor(
    @Inject(DEMO_CACHE) private readonly cache: Cache,
    @Inject(DEMO_REDIS) private readonly redis: DemoRedis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
    await this.redis?.quit();
  }
}
