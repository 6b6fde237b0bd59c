import request from 'supertest';
import { DATABASES, startDemoApp, type DemoApp } from './support/demo-app.js';

describe.each(DATABASES)('Redis data structures through @InjectRedis() on %s', (kind) => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp(kind);
  });
  afterAll(() => demo?.close());

  describe('leaderboard (sorted sets)', () => {
    it('loads the seeded global board and answers the top players, best first', async () => {
      const { body } = await request(demo.server).get('/leaderboard/global/top?limit=5').expect(200);
      expect(body).toHaveLength(5);
      expect(body.map((standing: { rank: number }) => standing.rank)).toEqual([1, 2, 3, 4, 5]);
      const scores = body.map((standing: { score: number }) => standing.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      // The seed gives player n the score (n * 104729) % 100000; the board must agree with the database.
      const [best] = await demo.db.query<{ player: string; score: number }>(
        `SELECT player, score FROM scores WHERE board = 'global' ORDER BY score DESC LIMIT 1`,
      );
      expect(body[0]).toEqual({ player: best.player, score: best.score, rank: 1 });
    });

    it('keeps each player’s best score and answers the new rank', async () => {
      const board = '/leaderboard/weekly';
      await request(demo.server).post(`${board}/scores`).send({ player: 'ada', score: 50 }).expect(201);
      await request(demo.server).post(`${board}/scores`).send({ player: 'bob', score: 70 }).expect(201);
      const lower = await request(demo.server).post(`${board}/scores`).send({ player: 'ada', score: 10 }).expect(201);
      expect(lower.body).toEqual({ player: 'ada', score: 50, rank: 2 });
      const higher = await request(demo.server).post(`${board}/scores`).send({ player: 'ada', score: 90 }).expect(201);
      expect(higher.body).toEqual({ player: 'ada', score: 90, rank: 1 });
      await request(demo.server).get(`${board}/rank/bob`).expect(200, { player: 'bob', score: 70, rank: 2 });
    });

    it('answers a player with the neighbours on each side', async () => {
      const board = '/leaderboard/around-test';
      for (let index = 1; index <= 9; index += 1) {
        await request(demo.server)
          .post(`${board}/scores`)
          .send({ player: `p${index}`, score: index * 10 })
          .expect(201);
      }
      const { body } = await request(demo.server).get(`${board}/around/p5?radius=2`).expect(200);
      expect(body.map((standing: { player: string }) => standing.player)).toEqual(['p7', 'p6', 'p5', 'p4', 'p3']);
      expect(body.map((standing: { rank: number }) => standing.rank)).toEqual([3, 4, 5, 6, 7]);
      const top = await request(demo.server).get(`${board}/around/p9?radius=2`).expect(200);
      expect(top.body.map((standing: { player: string }) => standing.player)).toEqual(['p9', 'p8', 'p7']);
    });

    it('answers 404 for a player without a score and 400 for a bad score', async () => {
      await request(demo.server).get('/leaderboard/global/rank/nobody').expect(404);
      await request(demo.server).get('/leaderboard/global/around/nobody').expect(404);
      await request(demo.server).post('/leaderboard/global/scores').send({ player: 'ada', score: 'lots' }).expect(400);
    });
  });

  describe('profile fields (one hash per user)', () => {
    it('writes one field with HSET and reads it back with HGET, leaving the others alone', async () => {
      await request(demo.server).get('/users/3/fields/bio').expect(404);
      await request(demo.server).patch('/users/3/fields/bio').send({ value: 'Writes compilers' }).expect(200);
      await request(demo.server).patch('/users/3/fields/theme').send({ value: 'dark' }).expect(200);
      await request(demo.server).patch('/users/3/fields/theme').send({ value: 'light' }).expect(200);
      await request(demo.server)
        .get('/users/3/fields/bio')
        .expect(200, { userId: 3, field: 'bio', value: 'Writes compilers' });
      await request(demo.server)
        .get('/users/3/fields/theme')
        .expect(200, { userId: 3, field: 'theme', value: 'light' });
      await request(demo.server).get('/users/4/fields/theme').expect(404);
    });

    it('refuses fields outside the profile', async () => {
      await request(demo.server).patch('/users/3/fields/password').send({ value: 'x' }).expect(400);
      await request(demo.server).get('/users/3/fields/password').expect(400);
    });
  });
});
