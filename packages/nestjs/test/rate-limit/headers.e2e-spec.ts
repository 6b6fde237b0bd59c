import { Controller, Get } from '@nestjs/common';
import request from 'supertest';
import { RateLimit, RateLimitGuard } from '@cachet/nestjs';
import { UseGuards } from '@nestjs/common';
import { createRateLimitApp, type RateLimitApp } from './rate-limit-app.js';
import { ADAPTERS } from '../support/http-app.js';

@Controller('h')
@UseGuards(RateLimitGuard)
class HeadersController {
  @Get('fixed')
  @RateLimit({ limit: 3, window: '1h', algorithm: 'fixed-window' })
  fixed() {
    return { ok: true };
  }

  @Get('named')
  @RateLimit({ name: 'search', limit: 2, window: '1m', algorithm: 'sliding-log' })
  named() {
    return { ok: true };
  }

  @Get('rounding')
  @RateLimit({ name: 'slow', limit: 1, window: '1500ms', algorithm: 'sliding-log' })
  rounding() {
    return { ok: true };
  }

  @Get('ietf')
  @RateLimit({ limit: 5, window: '1h', algorithm: 'token-bucket' })
  ietf() {
    return { ok: true };
  }
}

describe.each(ADAPTERS)('rate-limit headers (%s)', (platform) => {
  describe("headers: 'both' (default)", () => {
    let fixture: RateLimitApp;
    beforeAll(async () => {
      fixture = await createRateLimitApp(platform, { controllers: [HeadersController] });
    });
    afterAll(() => fixture.close());

    it('sends the IETF fields and the legacy ones, exactly, then a 429 with Retry-After and a JSON body', async () => {
      const first = await request(fixture.server).get('/h/fixed').expect(200);
      expect(first.headers['ratelimit-policy']).toBe('"default";q=3;w=3600');
      expect(first.headers['ratelimit']).toBe('"default";r=2;t=3600');
      expect(first.headers['x-ratelimit-limit']).toBe('3');
      expect(first.headers['x-ratelimit-remaining']).toBe('2');
      expect(first.headers['x-ratelimit-reset']).toBe('3600');
      expect(first.headers['retry-after']).toBeUndefined();

      await request(fixture.server).get('/h/fixed').expect(200).expect('x-ratelimit-remaining', '1');
      await request(fixture.server).get('/h/fixed').expect(200).expect('ratelimit', '"default";r=0;t=3600');
      const refused = await request(fixture.server).get('/h/fixed').expect(429);
      expect(refused.headers['retry-after']).toBe('3600');
      expect(refused.headers['ratelimit']).toBe('"default";r=0;t=3600');
      expect(refused.headers['x-ratelimit-remaining']).toBe('0');
      expect(refused.body).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: 'Rate limit "default" exceeded; retry in 3600 s.',
        code: 'E_RATE_LIMIT_EXCEEDED',
        policy: 'default',
        violatedPolicies: ['default'],
        retryAfter: 3600,
      });
    });

    it('names the policy in both header families and the body', async () => {
      await request(fixture.server).get('/h/named').expect(200).expect('ratelimit-policy', '"search";q=2;w=60');
      await request(fixture.server).get('/h/named').expect(200);
      const refused = await request(fixture.server).get('/h/named').expect(429);
      expect(refused.body.policy).toBe('search');
      expect(refused.headers['retry-after']).toBe('60');
    });

    it('rounds Retry-After up to whole seconds (1.5 s → 2)', async () => {
      await request(fixture.server).get('/h/rounding').expect(200).expect('ratelimit-policy', '"slow";q=1;w=2');
      const refused = await request(fixture.server).get('/h/rounding').expect(429);
      expect(refused.headers['retry-after']).toBe('2');
      expect(refused.body.retryAfter).toBe(2);
    });
  });

  it.each([
    ['ietf', ['ratelimit', 'ratelimit-policy'], ['x-ratelimit-limit']],
    ['legacy', ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'], ['ratelimit', 'ratelimit-policy']],
    [false, [], ['ratelimit', 'ratelimit-policy', 'x-ratelimit-limit', 'x-ratelimit-remaining']],
  ] as const)('headers: %s sends only that family', async (headers, present, absent) => {
    const fixture = await createRateLimitApp(platform, { controllers: [HeadersController], options: { headers } });
    try {
      const response = await request(fixture.server).get('/h/ietf').expect(200);
      for (const name of present) expect(response.headers[name]).toBeDefined();
      for (const name of absent) expect(response.headers[name]).toBeUndefined();
    } finally {
      await fixture.close();
    }
  });
});
