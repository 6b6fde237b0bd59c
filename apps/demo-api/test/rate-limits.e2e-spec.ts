import request from 'supertest';
import { DEMO_PASSWORD } from '../src/database/seed.js';
import { DATABASES, startDemoApp, type DemoApp } from './support/demo-app.js';

describe.each(DATABASES)('rate limits on %s', (kind) => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp(kind);
  });
  afterAll(() => demo?.close());

  const login = (email: string, password = 'wrong-password') =>
    request(demo.server).post('/auth/login').send({ email, password });

  it('limits login attempts per account (sliding log): the 6th in 15 minutes is refused with 429', async () => {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const response = await login('user9@example.com').expect(401);
      expect(response.headers['ratelimit-policy']).toContain('"login-account";q=5;w=900');
    }
    const refused = await login('user9@example.com', DEMO_PASSWORD).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(JSON.stringify(refused.body)).toContain('login-account');
    // Another account from the same address is still let through.
    await login('user10@example.com', DEMO_PASSWORD).expect(200);
  });

  it('limits login attempts per IP address across accounts', async () => {
    let status = 0;
    let attempts = 0;
    // 20 per 15 minutes per address; attempts so far in this file count too.
    while (status !== 429 && attempts < 30) {
      attempts += 1;
      status = (await login(`nobody${attempts}@example.com`)).status;
    }
    expect(status).toBe(429);
    const refused = await login('user11@example.com', DEMO_PASSWORD).expect(429);
    expect(JSON.stringify(refused.body)).toContain('login-ip');
  });

  it('puts a token bucket on the expensive report: a burst of 5, then 429 with Retry-After', async () => {
    const before = demo.db.queries.of('products');
    for (let call = 0; call < 5; call += 1) await request(demo.server).get('/reports/prices').expect(200);
    const refused = await request(demo.server).get('/reports/prices').expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['ratelimit-policy']).toContain('"reports"');
    // A refused request never reached the database.
    expect(demo.db.queries.of('products') - before).toBe(5);
  });
});

describe('the global sliding-window policy', () => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp('pglite', { globalRateLimit: { limit: 8, window: '1m' } });
  });
  afterAll(() => demo?.close());

  it('applies to every route, but not to /health', async () => {
    const paths = ['/users/1', '/products', '/quotes/ABC', '/'];
    let refused: request.Response | undefined;
    for (let call = 0; call < 12 && !refused; call += 1) {
      const response = await request(demo.server).get(paths[call % paths.length]);
      if (response.status === 429) refused = response;
      else expect(response.headers['ratelimit-policy']).toContain('"global";q=8;w=60');
    }
    expect(refused).toBeDefined();
    expect(JSON.stringify(refused!.body)).toContain('global');
    await request(demo.server).get('/health').expect(200);
  });
});
