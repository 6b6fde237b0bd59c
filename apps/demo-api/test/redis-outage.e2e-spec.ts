import request from 'supertest';
import { startRedis, type RedisServerHandle } from '@cachet/testing';
import { startDemoApp, type DemoApp } from './support/demo-app.js';

describe('when Redis goes away while the demo runs', () => {
  let redis: RedisServerHandle;
  let demo: DemoApp;

  beforeAll(async () => {
    redis = await startRedis();
    demo = await startDemoApp('pglite', { redisUrl: redis.url });
  });
  afterAll(async () => {
    await demo?.close();
    await redis?.stop();
  });

  it('keeps answering (HTTP cache and rate limits fail open) and /health says Redis is down', async () => {
    await request(demo.server).get('/products/33').expect(200);
    await request(demo.server).get('/users/4').expect(200);
    await request(demo.server).get('/health').expect(200);

    await redis.kill();

    // Fail-open: @Cacheable returns the database's row (in an app that also has @WriteBehind queues).
    const usersBefore = demo.db.queries.of('users');
    const user = await request(demo.server).get('/users/4').expect(200);
    expect(user.body).toMatchObject({ id: 4, email: 'user4@example.com' });
    expect(demo.db.queries.of('users')).toBe(usersBefore + 1);

    // Fail-open: the interceptor answers from the handler, the global and route limits admit.
    const before = demo.db.queries.of('products');
    const { body } = await request(demo.server).get('/products/33').expect(200);
    expect(body).toMatchObject({ id: 33 });
    await request(demo.server).get('/reports/prices').expect(200);
    expect(demo.db.queries.of('products')).toBe(before + 2);

    // The stats page answers with what it knows: in-process figures, and the queue marked unavailable.
    const stats = await request(demo.server).get('/cache/stats').expect(200);
    expect(stats.body.cache.misses).toBeGreaterThan(0);
    expect(stats.body.writeBehind.activity).toEqual({ unavailable: expect.any(String) });
    await request(demo.server).get('/dashboard/data').expect(200);

    const health = await request(demo.server).get('/health').expect(503);
    expect(health.body.checks.database.status).toBe('up');
    expect(health.body.checks.cache).toMatchObject({ status: 'down', redis: 'down' });
  });
});
