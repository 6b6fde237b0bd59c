import request from 'supertest';
import { DATABASES, startDemoApp, type DemoApp } from './support/demo-app.js';

describe.each(DATABASES)('catalog and health on %s', (kind) => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp(kind);
  });
  afterAll(() => demo?.close());

  it('GET / lists every route with what it demonstrates', async () => {
    const { body } = await request(demo.server).get('/').expect(200);
    expect(body).toMatchObject({ name: 'Cachet demo API', store: 'redis', database: kind });
    const routes = (body.endpoints as Array<{ method: string; path: string; demonstrates: string }>).map(
      (entry) => `${entry.method} ${entry.path}`,
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /',
        'GET /health',
        'GET /users/:id',
        'PUT /users/:id',
        'DELETE /users/:id',
        'GET /products',
        'PATCH /products/:id/price',
        'GET /quotes/:symbol',
        'POST /activity',
        'GET /activity/stats',
        'GET /activity/:id',
        'GET /products/:id',
        'POST /auth/login',
        'GET /auth/session',
        'POST /auth/logout',
        'POST /leaderboard/:board/scores',
        'GET /leaderboard/:board/top',
        'GET /leaderboard/:board/rank/:player',
        'GET /leaderboard/:board/around/:player',
        'GET /users/:id/fields/:field',
        'PATCH /users/:id/fields/:field',
        'GET /reports/prices',
        'GET /cache/stats',
        'GET /metrics',
      ]),
    );
    for (const entry of body.endpoints) expect(entry.demonstrates).not.toBe('');
  });

  it('GET /cache/stats shows hits, misses, rate-limit checks and the queries the database saw', async () => {
    await request(demo.server).get('/users/30').expect(200);
    await request(demo.server).get('/users/30').expect(200);
    const before = (await request(demo.server).get('/cache/stats').expect(200)).body.rateLimits.storeChecks;
    await request(demo.server).get('/reports/prices').expect(200);
    const { body } = await request(demo.server).get('/cache/stats').expect(200);
    // The limiter and the lock manager come through @InjectRateLimiter() and @InjectLockManager().
    expect(body.rateLimits.storeChecks).toBeGreaterThan(before);
    expect(body.locks).toMatchObject({ acquired: expect.any(Number), timeouts: 0 });
    expect(body.cache).toMatchObject({ namespace: demo.config.namespace, breaker: 'closed' });
    expect(body.cache.hits).toBeGreaterThanOrEqual(1);
    expect(body.cache.misses).toBeGreaterThanOrEqual(1);
    expect(body.cache.hitRate).toBeGreaterThan(0);
    expect(body.writeBehind.activity).toMatchObject({ queue: 'activity', deadLetters: 0 });
    expect(body.database.queries).toBe(demo.db.queries.total);
    expect(body.database.byTable.users).toBe(demo.db.queries.of('users'));
  });

  it('GET /metrics answers Prometheus text with the cache counters', async () => {
    await request(demo.server).get('/users/31').expect(200);
    const { text, headers } = await request(demo.server).get('/metrics').expect(200);
    expect(headers['content-type']).toContain('text/plain');
    expect(text).toMatch(new RegExp(`cachet_cache_\\w+\\{[^}]*namespace="${demo.config.namespace}"`));
  });

  it('GET /health reports the database and Redis', async () => {
    const { body } = await request(demo.server).get('/health').expect(200);
    expect(body).toEqual({
      status: 'ok',
      checks: {
        database: { status: 'up', kind, latencyMs: expect.any(Number) },
        cache: expect.objectContaining({ status: 'up', redis: 'up', breaker: 'closed', latencyMs: expect.any(Number) }),
      },
    });
  });
});
