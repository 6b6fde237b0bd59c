import 'reflect-metadata';
import { Controller, Get, Module, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { CacheModule, RateLimit, RateLimitGuard } from '@cachet/nestjs';
import { testRedisUrl } from '@cachet/testing';

@Controller('limited')
@UseGuards(RateLimitGuard)
class LimitedController {
  @Get()
  @RateLimit({ name: 'once', limit: 1, window: '1m', algorithm: 'fixed-window', by: () => 'same-client' })
  async get() {
    return { ok: true };
  }
}

/** An app configured through forRootAsync: its namespace is only known once the factory ran. */
async function asyncApp(namespace: string): Promise<INestApplication> {
  @Module({
    imports: [
      CacheModule.forRootAsync({
        useFactory: async () => ({ redis: testRedisUrl(), namespace, rateLimit: { headers: 'both' } }),
      }),
    ],
    controllers: [LimitedController],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication();
  await app.init();
  return app;
}

describe('rate limits under forRootAsync', () => {
  it("count under the module's namespace: two apps with different namespaces have separate quotas", async () => {
    const suffix = `${process.pid}x${Date.now().toString(36)}`;
    const first = await asyncApp(`rlns-a${suffix}`);
    const second = await asyncApp(`rlns-b${suffix}`);
    await request(first.getHttpServer() as App)
      .get('/limited')
      .expect(200);
    await request(first.getHttpServer() as App)
      .get('/limited')
      .expect(429);
    await request(second.getHttpServer() as App)
      .get('/limited')
      .expect(200);
    await first.close();
    await second.close();
  });
});
