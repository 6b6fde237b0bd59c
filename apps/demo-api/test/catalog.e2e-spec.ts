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
    expect(routes).toEqual(expect.arrayContaining(['GET /', 'GET /health', 'GET /users/:id', 'PUT /users/:id']));
    for (const entry of body.endpoints) expect(entry.demonstrates).not.toBe('');
  });

  it('GET /health reports the database and Redis', async () => {
    const { body } = await request(demo.server).get('/health').expect(200);
    expect(body).toEqual({
      status: 'ok',
      checks: { database: { status: 'up', kind }, redis: expect.objectContaining({ status: 'up' }) },
    });
  });
});
