import request from 'supertest';
import { freePort, testRedisUrl } from '@cachet/testing';
import { probeRedis } from '../src/config/redis-probe.js';
import { startDemoApp, type DemoApp } from './support/demo-app.js';

describe('the startup probe', () => {
  it('finds a Redis that answers', async () => {
    await expect(probeRedis(testRedisUrl())).resolves.toEqual({ ok: true });
  });

  it('reports a Redis that is not there', async () => {
    const result = await probeRedis(`redis://127.0.0.1:${await freePort()}`, 500);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('ECONNREFUSED') });
  });
});

describe("without Redis (store: 'memory')", () => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp('pglite', { store: 'memory', redisUrl: 'redis://127.0.0.1:1' });
  });
  afterAll(() => demo?.close());

  it('still caches, in process', async () => {
    await request(demo.server).get('/users/5').expect(200);
    const before = demo.db.queries.of('users');
    await request(demo.server).get('/users/5').expect(200);
    expect(demo.db.queries.of('users')).toBe(before);
  });

  it('says so on / and /health', async () => {
    await request(demo.server)
      .get('/')
      .expect(200)
      .expect(({ body }) => expect(body.store).toBe('memory'));
    const { body } = await request(demo.server).get('/health').expect(200);
    expect(body.checks.cache).toMatchObject({ status: 'up', redis: 'memory' });
  });

  it('answers 503 with the way out on the Redis-only endpoints', async () => {
    const { body } = await request(demo.server).get('/leaderboard/global/top').expect(503);
    expect(body.message).toContain('docker run');
    await request(demo.server).get('/users/5/fields/bio').expect(503);
  });
});
