import { Controller, Get, UseGuards } from '@nestjs/common';
import request from 'supertest';
import { startRedis, type RedisServerHandle } from '@cachet/testing';
import { RateLimit, RateLimitGuard } from '@cachet/nestjs';
import { createRateLimitApp, type RateLimitApp } from './rate-limit-app.js';
import { ADAPTERS } from '../support/http-app.js';

@Controller()
@UseGuards(RateLimitGuard)
class LimitedController {
  @Get('limited')
  @RateLimit({ limit: 3, window: '1h', algorithm: 'sliding-log' })
  limited() {
    return { ok: true };
  }
}

describe.each(ADAPTERS)('rate limits with Redis down (%s)', (platform) => {
  let server: RedisServerHandle;
  let fixture: RateLimitApp | undefined;
  beforeEach(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    server.resume();
    await fixture?.close();
    fixture = undefined;
    await server.stop();
  });

  it('fails open (default): requests pass, and the in-memory insurance limiter still enforces the policy', async () => {
    fixture = await createRateLimitApp(platform, {
      controllers: [LimitedController],
      redisUrl: server.url,
      commandTimeoutMs: 200,
    });
    await request(fixture.server).get('/limited').expect(200).expect('ratelimit', '"default";r=2;t=3600');
    await server.stop();
    await request(fixture.server).get('/limited').expect(200);
    await request(fixture.server).get('/limited').expect(200);
    await request(fixture.server).get('/limited').expect(200);
    const refused = await request(fixture.server).get('/limited').expect(429);
    expect(refused.body.policy).toBe('default');
  });

  it('fails closed with failOpen: false: 503 with a JSON body while Redis hangs', async () => {
    fixture = await createRateLimitApp(platform, {
      controllers: [LimitedController],
      options: { failOpen: false },
      redisUrl: server.url,
      commandTimeoutMs: 200,
    });
    await request(fixture.server).get('/limited').expect(200);
    server.pause();
    const refused = await request(fixture.server).get('/limited').expect(503);
    expect(refused.body).toMatchObject({ statusCode: 503, code: 'E_RATE_LIMIT_UNAVAILABLE' });
    server.resume();
    // The check that timed out had reached the socket: the woken server still ran it, so it counted.
    await request(fixture.server).get('/limited').expect(200).expect('ratelimit', '"default";r=0;t=3600');
  });
});
