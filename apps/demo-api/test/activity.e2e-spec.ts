import request from 'supertest';
import { ActivityService } from '../src/activity/activity.service.js';
import { DATABASES, startDemoApp, type DemoApp } from './support/demo-app.js';
import { sleep } from '@cachet/testing';

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

  it('answers an event by id at once, whether or not its row has been inserted yet', async () => {
    const posted = await request(demo.server)
      .post('/activity')
      .send({ userId: 3, type: 'cart.add', detail: 'sku-42' })
      .expect(202);
    const { body } = await request(demo.server).get(`/activity/${posted.body.id}`).expect(200);
    expect(body).toMatchObject({ id: posted.body.id, userId: 3, type: 'cart.add', detail: 'sku-42' });
    await request(demo.server).get('/activity/8d7c2b8e-9c1e-4a43-9f6e-0a6b6d0b2f11').expect(404);
    await request(demo.server).get('/activity/not-a-uuid').expect(400);
  });

  it('persists a redelivered event once (the insert is idempotent on the event id)', async () => {
    const event = { id: 'b0a7c3f2-1d2e-4f5a-8b9c-0d1e2f3a4b5c', userId: 1, type: 'redelivered', detail: null };
    const item = { args: [{ ...event, occurredAt: new Date().toISOString() }] };
    const service = demo.get<ActivityService>(ActivityService);
    await service.persistBatch([item, item] as never);
    await service.persistBatch([item] as never);
    expect(await persisted('redelivered')).toBe(1);
  });

  it('refuses malformed events', async () => {
    await request(demo.server).post('/activity').send({ userId: 0, type: 'x' }).expect(400);
    await request(demo.server).post('/activity').send({ userId: 1, type: 'Has Spaces' }).expect(400);
  });
});
