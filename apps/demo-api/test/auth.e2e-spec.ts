import request from 'supertest';
import { DEMO_PASSWORD } from '../src/database/seed.js';
import { DATABASES, startDemoApp, type DemoApp } from './support/demo-app.js';
import { sleep } from '@cachet/testing';

describe.each(DATABASES)('sessions on %s', (kind) => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp(kind);
  });
  afterAll(() => demo?.close());

  const login = (email: string, password = DEMO_PASSWORD) =>
    request(demo.server).post('/auth/login').send({ email, password });

  it('logs in, reads the session from the cache without the database, and logs out', async () => {
    const { body } = await login('user2@example.com').expect(200);
    expect(body).toMatchObject({ session: { userId: 2, email: 'user2@example.com' }, ttl: '30m', maxAge: '12h' });
    const auth = { authorization: `Bearer ${body.token}` };

    const queriesBefore = demo.db.queries.total;
    await request(demo.server).get('/auth/session').set(auth).expect(200);
    await request(demo.server).get('/auth/session').set(auth).expect(200);
    expect(demo.db.queries.total).toBe(queriesBefore);

    await request(demo.server).post('/auth/logout').set(auth).expect(204);
    await request(demo.server).get('/auth/session').set(auth).expect(401);
  });

  it('refuses a wrong password and an unknown account alike', async () => {
    const wrong = await login('user5@example.com', 'not-the-password').expect(401);
    const unknown = await login('nobody@example.com').expect(401);
    expect(wrong.body.message).toBe(unknown.body.message);
    await request(demo.server).post('/auth/login').send({ email: 'user5@example.com' }).expect(400);
  });

  it('keeps sessions apart', async () => {
    const first = (await login('user6@example.com').expect(200)).body.token;
    const second = (await login('user7@example.com').expect(200)).body.token;
    await request(demo.server)
      .post('/auth/logout')
      .set({ authorization: `Bearer ${first}` })
      .expect(204);
    const { body } = await request(demo.server)
      .get('/auth/session')
      .set({ authorization: `Bearer ${second}` })
      .expect(200);
    expect(body.userId).toBe(7);
  });
});

describe('session expiry', () => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp('pglite', { sessions: { ttl: '2s', maxAge: '5s' } });
  });
  afterAll(() => demo?.close());

  it('slides while the session is used, and ends at its absolute cap however busy it is', async () => {
    const { body } = await request(demo.server)
      .post('/auth/login')
      .send({ email: 'user8@example.com', password: DEMO_PASSWORD })
      .expect(200);
    const auth = { authorization: `Bearer ${body.token}` };
    const startedAt = Date.now();

    // Used every 300 ms for 3 s: well past the 2 s TTL, so only sliding keeps it alive.
    while (Date.now() - startedAt < 3000) {
      await request(demo.server).get('/auth/session').set(auth).expect(200);
      await sleep(300);
    }

    // Still used every 300 ms, it must end once maxAge (5 s) has passed.
    let status = 200;
    while (status === 200 && Date.now() - startedAt < 15_000) {
      await sleep(300);
      status = (await request(demo.server).get('/auth/session').set(auth)).status;
    }
    expect(status).toBe(401);
  });
});
