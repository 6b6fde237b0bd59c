import 'reflect-metadata';
import { Module, type INestApplication, type Provider, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { App } from 'supertest/types.js';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RedisInput } from '@cachet/core';
import { RedisStore } from '@cachet/core/store';
import { testRedisUrl } from '@cachet/testing';
import { rateLimitProviders, type RateLimitModuleOptions } from '@cachet/nestjs';
import type { AdapterName } from '../support/http-app.js';

const STORE = Symbol('test store');
let counter = 0;

export interface RateLimitApp {
  app: INestApplication;
  server: App;
  store: RedisStore;
  close(): Promise<void>;
}

/** A tiny app registering `rateLimitProviders` the way the cache module does, on its own namespace. */
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
  const commandTimeoutMs = setup.commandTimeoutMs ?? 2_000;
  const store = RedisStore.connect(setup.redis ?? setup.redisUrl ?? testRedisUrl(), { commandTimeoutMs });
  await store.ready(5_000);
  const namespace = `rle2e${process.pid}x${Date.now().toString(36)}x${counter++}`;

  @Module({
    controllers: setup.controllers ?? [],
    providers: [
      { provide: STORE, useValue: store },
      ...rateLimitProviders(setup.options ?? {}, {
        store: STORE,
        limiter: { namespace, commandTimeout: commandTimeoutMs },
      }),
      ...(setup.providers ?? []),
    ],
  })
  class RateLimitTestModule {}

  const moduleRef = await Test.createTestingModule({ imports: [RateLimitTestModule] }).compile();
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter())
      : moduleRef.createNestApplication();
  await app.init();
  if (platform === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return {
    app,
    server: app.getHttpServer() as App,
    store,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
