import 'reflect-metadata';
import { CacheModule, Cacheable } from '@cachet/nestjs';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/** A `@Cacheable` service method inside a Nest application context (no HTTP). */
export interface CacheableContender {
  op: (worker: number) => Promise<unknown>;
  close(): Promise<void>;
}

export async function cacheableContender(redisUrl: string, value: unknown): Promise<CacheableContender> {
  @Injectable()
  class ProductService {
    @Cacheable({ key: (id: number) => `product:${id}`, ttl: '1h' })
    async find(_id: number): Promise<unknown> {
      return value;
    }
  }

  @Module({
    imports: [CacheModule.forRoot({ redis: redisUrl, namespace: 'bench-cacheable', ttl: '1h' })],
    providers: [ProductService],
  })
  class CacheableModule {}

  const app = await NestFactory.createApplicationContext(CacheableModule, { logger: ['error'] });
  await app.init();
  const service = app.get(ProductService);
  return { op: (worker) => service.find(worker), close: () => app.close() };
}
