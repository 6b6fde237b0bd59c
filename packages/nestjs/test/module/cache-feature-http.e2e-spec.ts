import 'reflect-metadata';
import { Controller, Get, Module, UseGuards, UseInterceptors, type INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { testRedisUrl, uniqueNamespace } from '@cachet/testing';
import { CacheInterceptor, CacheModule, RateLimit, RateLimitGuard } from '../../src/index.js';
import { ADAPTERS, type AdapterName } from '../support/http-app.js';
import { CallLog, initOrClose } from '../support/test-app.js';

@Controller('feature')
@UseGuards(RateLimitGuard)
class FeatureController {
  readonly hits = new CallLog();

  @Get('cached')
  @UseInterceptors(CacheInterceptor)
  cached() {
    this.hits.record('cached');
    return { n: this.hits.count('cached') };
  }

  @Get('limited')
  @RateLimit({ limit: 1, window: '1m', algorithm: 'fixed-window' })
  limited() {
    return { ok: true };
  }
}

@Module({ imports: [CacheModule.forFeature()], controllers: [FeatureController] })
class FeatureHttpModule {}

describe.each(ADAPTERS)('a feature controller under isGlobal: false (%s)', (adapter: AdapterName) => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.forRoot({ redis: testRedisUrl(), namespace: uniqueNamespace('feature-http'), isGlobal: false }),
        FeatureHttpModule,
      ],
    }).compile();
    app =
      adapter === 'express'
        ? moduleRef.createNestApplication({ logger: false })
        : moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
    await initOrClose(app);
    if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  it('uses CacheInterceptor and RateLimitGuard from forFeature()', async () => {
    await request(app.getHttpServer()).get('/feature/cached').expect(200).expect('x-cache', 'MISS');
    const hit = await request(app.getHttpServer()).get('/feature/cached').expect(200).expect('x-cache', 'HIT');
    expect(hit.body).toEqual({ n: 1 });

    await request(app.getHttpServer()).get('/feature/limited').expect(200);
    const refused = await request(app.getHttpServer()).get('/feature/limited').expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});
