import 'reflect-metadata';
import type { INestApplication, Provider, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { App } from 'supertest/types.js';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RedisInput } from '@cachet/core';
import { testRedisUrl, uniqueNamespace } from '@cachet/testing';
import { CacheModule, type RateLimitModuleOptions } from '@cachet/nestjs';
import type { AdapterName } from '../support/http-app.js';
import { initOrClose } from '../support/test-app.js';

export interface RateLimitApp {
  app: INestApplication;
  server: App;
  close(): Promise<void>;
}

/** A tiny app with `CacheModule.forRoot({ rateLimit })` on its own namespace. */
export async function createRateLimitApp(
  platform: AdapterName,
  setup: {
    controllers?: Type[];
    providers?: Provider[];
    options?: RateLimitModuleOptions;
    redisUrl?: string;
    /** Any other Redis (a cluster); overrides `redisUrl`. */
    redis?: RedisInput;
    commandTimeoutMs?: number;
  },
): Promise<RateLimitApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      CacheModule.forRoot({
        redis: setup.redis ?? setup.redisUrl ?? testRedisUrl(),
        namespace: uniqueNamespace('rl'),
        commandTimeout: setup.commandTimeoutMs ?? 2_000,
        rateLimit: setup.options ?? {},
      }),
    ],
    controllers: setup.controllers ?? [],
    providers: setup.providers ?? [],
  }).compile();
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false })
      : moduleRef.createNestApplication({ logger: false });
  await initOrClose(app);
  if (platform === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return { app, server: app.getHttpServer() as App, close: () => app.close() };
}
