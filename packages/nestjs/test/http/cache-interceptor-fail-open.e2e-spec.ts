import 'reflect-metadata';
import { Controller, Get, UseInterceptors, type INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { startRedis, type RedisServerHandle, uniqueNamespace } from '@cachet/testing';
import request from 'supertest';
import { CacheInterceptor, CacheModule } from '../../src/index.js';
import { ADAPTERS, type AdapterName } from '../support/http-app.js';
import { CallLog, initOrClose } from '../support/test-app.js';

@Controller('status')
@UseInterceptors(CacheInterceptor)
class StatusController {
  readonly log = new CallLog();

  @Get()
  status() {
    this.log.record('status');
    return { served: this.log.count('status') };
  }
}

async function boot(adapter: AdapterName, url: string): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [CacheModule.forRoot({ redis: url, namespace: uniqueNamespace('fail-open'), commandTimeout: '100ms' })],
    controllers: [StatusController],
  }).compile();
  const app =
    adapter === 'express'
      ? moduleRef.createNestApplication({ logger: false })
      : moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  await initOrClose(app);
  if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe.each(ADAPTERS)('CacheInterceptor with Redis down (%s)', (adapter) => {
  let server: RedisServerHandle;
  let app: INestApplication;

  beforeAll(async () => {
    server = await startRedis();
    app = await boot(adapter, server.url);
  });

  afterAll(async () => {
    await app.close();
    await server.stop();
  });

  it('answers from the handler when Redis is gone', async () => {
    await request(app.getHttpServer()).get('/status').expect(200, { served: 1 });
    await request(app.getHttpServer()).get('/status').expect(200, { served: 1 });
    await server.stop();
    const down1 = await request(app.getHttpServer()).get('/status').expect(200);
    const down2 = await request(app.getHttpServer()).get('/status').expect(200);
    expect(down1.body).toEqual({ served: 2 });
    expect(down2.body).toEqual({ served: 3 });
    expect(app.get(StatusController).log.count('status')).toBe(3);
  });
});
