import { Test, TestingModule } from '@nestjs/testing';
import { INestApplication } from '@nestjs/common';
import { CacheMetricsModule, CacheModule } from '@cachet/nestjs';
import { startRedis, RedisServerHandle } from '@cachet/testing';
import {
  Cache,
  CACHE_MANAGER,
  CacheModule as CacheManagerModule,
} from '@cachet/nestjs/cache-manager';
import request from 'supertest';
import { App } from 'supertest/types';
import { AppModule } from './../src/app.module';
import { CatalogService } from './../src/catalog/catalog.service';

describe('AppController (e2e)', () => {
  let app: INestApplication<App>;
  let redis: RedisServerHandle;

  beforeAll(async () => {
    redis = await startRedis();
    process.env.REDIS_URL = redis.url;
  });

  beforeEach(async () => {
    process.env.CACHE_NAMESPACE = `e2e-${Math.random().toString(36).slice(2)}`;
    const moduleFixture: TestingModule = await Test.createTestingModule({
      imports: [AppModule],
    }).compile();

    app = moduleFixture.createNestApplication();
    await app.init();
  });

  it('/ (GET)', () => {
    return request(app.getHttpServer())
      .get('/')
      .expect(200)
      .expect('Hello World!');
  });

  it('@Cacheable loads once, @CacheEvict by tag makes the next read load again', async () => {
    const catalog = app.get(CatalogService);
    const server = app.getHttpServer();

    await request(server)
      .get('/products/1')
      .expect(200, { id: '1', name: 'Widget' });
    await request(server)
      .get('/products/1')
      .expect(200, { id: '1', name: 'Widget' });
    expect(catalog.loads).toBe(1);

    await request(server)
      .put('/products/1')
      .send({ name: 'Gadget' })
      .expect(200);
    await request(server)
      .get('/products/1')
      .expect(200, { id: '1', name: 'Gadget' });
    expect(catalog.loads).toBe(2);
  });

  it('CacheInterceptor answers MISS, then HIT with the same body', async () => {
    const server = app.getHttpServer();
    const first = await request(server).get('/products/1/page').expect(200);
    expect(first.headers['x-cache']).toBe('MISS');
    const second = await request(server).get('/products/1/page').expect(200);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.body).toEqual(first.body);
  });

  it('@RateLimit refuses the third search with 429 and Retry-After', async () => {
    const server = app.getHttpServer();
    await request(server).post('/products/search').send({ q: 'a' }).expect(201);
    await request(server).post('/products/search').send({ q: 'b' }).expect(201);
    const refused = await request(server)
      .post('/products/search')
      .send({ q: 'c' })
      .expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ policy: 'search' });
  });

  it('@cachet/nestjs/cache-manager stands in for @nestjs/cache-manager', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CacheManagerModule.register({ ttl: 60_000 })],
    }).compile();
    const cache = moduleRef.get<Cache>(CACHE_MANAGER);
    expect(await cache.wrap('answer', () => 42)).toBe(42);
    expect(await cache.get('answer')).toBe(42);
    await moduleRef.close();
  });

  it('CacheMetricsModule serves Prometheus figures under Jest in CommonJS', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.forRoot({ store: 'memory', namespace: 'metrics' }),
        CacheMetricsModule.forRoot(),
      ],
    }).compile();
    const metricsApp = moduleRef.createNestApplication();
    await metricsApp.init();
    try {
      const scrape = await request(metricsApp.getHttpServer())
        .get('/metrics')
        .expect(200);
      expect(scrape.text).toContain('cachet_');
    } finally {
      await metricsApp.close();
    }
  });

  afterEach(async () => {
    await app.close();
  });

  afterAll(async () => {
    await redis.stop();
  });
});
