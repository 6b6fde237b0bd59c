import request from 'supertest';
import { DATABASES, startDemoApp, type DemoApp } from './support/demo-app.js';

describe.each(DATABASES)('activity on %s', (kind) => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp(kind);
  });
  afterAll(() => demo?.close());

  async function persisted(type: string): Promise<number> {
    const row = await demo.db.one<{ count: number }>('SELECT count(*)::int AS count FROM activity WHERE type = $1', [
      type,
    ]);
    return row?.count ?? 0;
  }

  it('accepts events at once and the rows arrive in the database, inserted in batches', async () => {
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        request(demo.server)
          .post('/activity')
          .send({ userId: 1 + (index % 5), type: 'page.view', detail: `/page/${index}` })
          .expect(202),
      ),
    );
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(40);

    for (let attempt = 0; attempt < 100 && (await persisted('page.view')) < 40; attempt += 1) await sleep(100);
    expect(await persisted('page.view')).toBe(40);

    const { body } = await request(demo.server).get('/activity/stats').expect(200);
    expect(body.persisted['page.view']).toBe(40);
    expect(body.queue).toMatchObject({ queue: 'activity', depth: 0, deadLetters: 0, appended: 40, flushed: 40 });
    // One handler call is one multi-row INSERT: far fewer than the 40 events.
    expect(body.queue.handlerCalls).toBeGreaterThan(0);
    expect(body.queue.handlerCalls).toBeLessThan(40);
  });

  it('refuses malformed events', async () => {
    await request(demo.server).post('/activity').send({ userId: 0, type: 'x' }).expect(400);
    await request(demo.server).post('/activity').send({ userId: 1, type: 'Has Spaces' }).expect(400);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
