import request from 'supertest';
import { DATABASES, startDemoApp, type DemoApp } from './support/demo-app.js';

describe.each(DATABASES)('users on %s', (kind) => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp(kind);
  });
  afterAll(() => demo?.close());

  /** Queries on the users table while `work` runs. */
  async function userQueries(work: () => Promise<unknown>): Promise<number> {
    const before = demo.db.queries.of('users');
    await work();
    return demo.db.queries.of('users') - before;
  }

  it('GET /users/:id: the first read queries the database, the next ones are cache hits', async () => {
    const first = await userQueries(() => request(demo.server).get('/users/7').expect(200));
    expect(first).toBe(1);
    const again = await userQueries(async () => {
      for (let read = 0; read < 5; read += 1) {
        const { body } = await request(demo.server).get('/users/7').expect(200);
        expect(body).toMatchObject({ id: 7, email: 'user7@example.com', name: 'User 7' });
      }
    });
    expect(again).toBe(0);
  });

  it('runs the loader once for many concurrent readers of a cold user (the stampede lease)', async () => {
    const queries = await userQueries(() =>
      Promise.all(Array.from({ length: 20 }, () => request(demo.server).get('/users/11').expect(200))),
    );
    expect(queries).toBe(1);
  });

  it('PUT /users/:id writes through: the next GET answers the new value without a query', async () => {
    await request(demo.server).get('/users/12').expect(200);
    const put = await userQueries(() =>
      request(demo.server).put('/users/12').send({ name: 'Ada Lovelace' }).expect(200),
    );
    expect(put).toBe(1); // the UPDATE itself
    const read = await userQueries(async () => {
      const { body } = await request(demo.server).get('/users/12').expect(200);
      expect(body.name).toBe('Ada Lovelace');
    });
    expect(read).toBe(0);
  });

  it('DELETE /users/:id evicts that user only', async () => {
    await request(demo.server).get('/users/20').expect(200);
    await request(demo.server).get('/users/21').expect(200);
    await request(demo.server).delete('/users/20').expect(204);
    const neighbour = await userQueries(() => request(demo.server).get('/users/21').expect(200));
    expect(neighbour).toBe(0);
    const deleted = await userQueries(() => request(demo.server).get('/users/20').expect(404));
    expect(deleted).toBe(1);
    await request(demo.server).delete('/users/20').expect(404);
  });

  it('answers 404, 400 and 409 where they belong', async () => {
    await request(demo.server).get('/users/999999').expect(404);
    await request(demo.server).get('/users/abc').expect(400);
    await request(demo.server).put('/users/13').send({}).expect(400);
    await request(demo.server).put('/users/999999').send({ name: 'Nobody' }).expect(404);
    await request(demo.server).put('/users/13').send({ email: 'user14@example.com' }).expect(409);
  });
});
