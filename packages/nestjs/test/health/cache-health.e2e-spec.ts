import 'reflect-metadata';
import { Controller, Get, Injectable, Module, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { startRedis, type RedisServerHandle, uniqueNamespace } from '@cachet/testing';
import { CacheHealthIndicator, CacheModule, CacheService, WriteBehind } from '../../src/index.js';
import { initOrClose } from '../support/test-app.js';

interface Note {
  id: string;
  text: string;
}

@Injectable()
class Notes {
  readonly persisted: Note[] = [];

  // A long interval: items wait in the queue until the test flushes them.
  @WriteBehind({ queue: 'notes', key: (note: Note) => `note:${note.id}`, batch: { interval: '1h' } })
  async save(note: Note): Promise<void> {
    this.persisted.push(note);
  }
}

@Controller()
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly cache: CacheHealthIndicator,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.cache.isHealthy('cache', { timeout: '300ms', maxWriteBehindLag: '150ms' })]);
  }
}

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [CacheHealthIndicator, Notes],
})
class HealthModule {}

async function boot(redisUrl: string, options: { store?: 'memory' } = {}): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      CacheModule.forRoot({
        redis: redisUrl,
        namespace: uniqueNamespace('health'),
        commandTimeout: '200ms',
        ...options,
      }),
      HealthModule,
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await initOrClose(app);
  return app;
}

describe('CacheHealthIndicator with @nestjs/terminus', () => {
  let server: RedisServerHandle;
  let app: INestApplication | undefined;

  beforeEach(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    server.resume();
    await app?.close();
    app = undefined;
    await server.stop();
  });

  it('is up with Redis reachable, the breaker closed and no write-behind lag', async () => {
    app = await boot(server.url);
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.info.cache).toMatchObject({
      status: 'up',
      redis: 'up',
      breaker: 'closed',
      writeBehind: { notes: expect.objectContaining({ depth: 0, deadLetters: 0 }) },
    });
    expect(response.body.info.cache.latencyMs).toEqual(expect.any(Number));
  });

  it('is down while a write-behind queue lags past maxWriteBehindLag, and up again once it is flushed', async () => {
    app = await boot(server.url);
    const notes = app.get(Notes);
    await app.get(CacheService).flushWriteBehind(2_000);
    await notes.save({ id: '1', text: 'pending' });
    await new Promise((r) => setTimeout(r, 400));

    const lagging = await request(app.getHttpServer()).get('/health').expect(503);
    expect(lagging.body.error.cache.status).toBe('down');
    expect(lagging.body.error.cache.writeBehind.notes.depth).toBe(1);
    expect(lagging.body.error.cache.problems).toEqual([
      expect.stringMatching(/write-behind queue "notes" lags \d+ ms/),
    ]);

    await app.get(CacheService).flushWriteBehind(5_000);
    expect(notes.persisted).toEqual([{ id: '1', text: 'pending' }]);
    await request(app.getHttpServer()).get('/health').expect(200);
  });

  it('is down when Redis stops answering and the breaker opens, naming both, and up again when it is back', async () => {
    app = await boot(server.url);
    server.pause();
    // Cached calls keep answering (fail-open) and trip the breaker. (A sub-namespace: the module namespace
    // also reads the write-behind overlay on a miss, which does not fail open.)
    const cache = app.get(CacheService).withNamespace('reads');
    for (let i = 0; i < 10; i++) await expect(cache.getOrSet('k', async () => i)).resolves.toBe(i);
    const down = await request(app.getHttpServer()).get('/health').expect(503);
    expect(down.body.error.cache).toMatchObject({ status: 'down', redis: 'down', breaker: 'open' });
    expect(down.body.error.cache.problems).toEqual([
      expect.stringMatching(/Redis did not answer PING/),
      expect.stringMatching(/circuit breaker open/),
    ]);
    server.resume();
    // No cached call is made from here on: the health check itself probes the breaker closed once resetAfter
    // has passed, so an instance a readiness probe took out of traffic comes back.
    let status = 503;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
      status = (await request(app.getHttpServer()).get('/health')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect(app.get(CacheService).stats().breaker).toBe('closed');
  });

  it("reports the in-memory store as 'memory' and up", async () => {
    app = await boot(server.url, { store: 'memory' });
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    expect(response.body.info.cache).toMatchObject({ status: 'up', redis: 'memory' });
  });
});
