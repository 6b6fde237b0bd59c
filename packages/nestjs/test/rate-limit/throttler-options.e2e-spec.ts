import { Controller, Get, UseGuards, type ExecutionContext } from '@nestjs/common';
import request from 'supertest';
import { RateLimit, RateLimitGuard, type RateLimitRefusal } from '@cachet/nestjs';
import { createRateLimitApp, type RateLimitApp } from './rate-limit-app.js';
import { ADAPTERS } from '../support/http-app.js';

const header = (ctx: ExecutionContext, name: string): string | undefined =>
  ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers[name];

const refusals: Array<{ handler: string; refusal: RateLimitRefusal }> = [];

// The options @nestjs/throttler users rely on, written the Cachet way.
@Controller('t')
@UseGuards(RateLimitGuard)
class ThrottlerOptionsController {
  @Get('plan')
  @RateLimit({
    name: 'plan',
    limit: async (ctx) => (header(ctx, 'x-plan') === 'pro' ? 3 : 1),
    window: (ctx) => (header(ctx, 'x-plan') === 'pro' ? '1h' : '1m'),
    by: (ctx) => header(ctx, 'x-client') ?? 'anonymous',
    algorithm: 'fixed-window',
  })
  plan() {
    return { ok: true };
  }

  @Get('block')
  @RateLimit({
    name: 'block',
    limit: 1,
    window: '2s',
    algorithm: 'fixed-window',
    blockDuration: (ctx) => (header(ctx, 'x-strict') === '1' ? '1h' : undefined),
    by: (ctx) => header(ctx, 'x-client') ?? 'anonymous',
  })
  block() {
    return { ok: true };
  }

  @Get('shared-a')
  @RateLimit({ name: 'shared', limit: 2, window: '1h', algorithm: 'fixed-window', key: (_ctx, tracker) => tracker })
  sharedA() {
    return { ok: true };
  }

  @Get('shared-b')
  @RateLimit({ name: 'shared', limit: 2, window: '1h', algorithm: 'fixed-window', key: (_ctx, tracker) => tracker })
  sharedB() {
    return { ok: true };
  }

  @Get('bots')
  @RateLimit({ name: 'bots', limit: 1, window: '1h', algorithm: 'fixed-window', ignoreUserAgents: [/monitor/gi] })
  bots() {
    return { ok: true };
  }

  @Get('everyone')
  @RateLimit({ name: 'everyone', limit: 1, window: '1h', algorithm: 'fixed-window', ignoreUserAgents: [] })
  everyone() {
    return { ok: true };
  }

  @Get('module-defaults')
  @RateLimit({ name: 'defaults', limit: 1, window: '1h', algorithm: 'fixed-window' })
  moduleDefaults() {
    return { ok: true };
  }

  @Get('message')
  @RateLimit({
    name: 'message',
    limit: 1,
    window: '1h',
    algorithm: 'fixed-window',
    errorMessage: (ctx, refusal) => {
      refusals.push({ handler: ctx.getHandler().name, refusal });
      return `Slow down: ${refusal.limit} per hour, again in ${refusal.retryAfter} s`;
    },
  })
  message() {
    return { ok: true };
  }
}

describe.each(ADAPTERS)('@nestjs/throttler options (%s)', (platform) => {
  let fixture: RateLimitApp;

  beforeAll(async () => {
    fixture = await createRateLimitApp(platform, {
      controllers: [ThrottlerOptionsController],
      options: {
        errorMessage: 'Too many requests, try later',
        ignoreUserAgents: [/^HealthChecker/],
        key: (ctx, tracker, policyName) => `${policyName}:${ctx.getClass().name}:${tracker}`,
      },
    });
  });
  afterAll(() => fixture.close());

  const get = (path: string, headers: Record<string, string> = {}) => {
    const call = request(fixture.server).get(path);
    for (const [name, value] of Object.entries(headers)) call.set(name, value);
    return call;
  };

  it('limit and window as functions of the context: each call gets its own rule', async () => {
    const pro = { 'x-plan': 'pro', 'x-client': `pro-${platform}` };
    const free = { 'x-client': `free-${platform}` };
    const first = await get('/t/plan', pro).expect(200);
    expect(first.headers['ratelimit-policy']).toBe('"plan";q=3;w=3600');
    await get('/t/plan', pro).expect(200);
    await get('/t/plan', pro).expect(200);
    await get('/t/plan', pro).expect(429);

    const freeFirst = await get('/t/plan', free).expect(200);
    expect(freeFirst.headers['ratelimit-policy']).toBe('"plan";q=1;w=60');
    const refused = await get('/t/plan', free).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('blockDuration as a function of the context: a strict client is blocked for an hour, another only waits', async () => {
    await get('/t/block', { 'x-client': `strict-${platform}`, 'x-strict': '1' }).expect(200);
    const blocked = await get('/t/block', { 'x-client': `strict-${platform}`, 'x-strict': '1' }).expect(429);
    expect(blocked.headers['retry-after']).toBe('3600');

    await get('/t/block', { 'x-client': `lenient-${platform}` }).expect(200);
    const waiting = await get('/t/block', { 'x-client': `lenient-${platform}` }).expect(429);
    expect(Number(waiting.headers['retry-after'])).toBeLessThanOrEqual(2);
  });

  it('key (throttler generateKey): two routes with one key share one quota', async () => {
    await get('/t/shared-a').expect(200);
    await get('/t/shared-b').expect(200);
    await get('/t/shared-a').expect(429);
    await get('/t/shared-b').expect(429);
  });

  it('ignoreUserAgents: matching requests are neither checked nor counted; the policy list overrides the module one', async () => {
    // The policy's /monitor/gi (flags g and y dropped: every request is tested afresh).
    for (let i = 0; i < 3; i++) {
      const ignored = await get('/t/bots', { 'user-agent': 'Uptime-Monitor/2.0' }).expect(200);
      expect(ignored.headers['ratelimit']).toBeUndefined();
    }
    await get('/t/bots', { 'user-agent': 'Mozilla/5.0' }).expect(200);
    await get('/t/bots', { 'user-agent': 'Mozilla/5.0' }).expect(429);

    // The module's /^HealthChecker/ applies where a policy has no list of its own...
    await get('/t/module-defaults', { 'user-agent': 'HealthChecker/1' }).expect(200);
    await get('/t/module-defaults', { 'user-agent': 'HealthChecker/1' }).expect(200);
    // ...and `ignoreUserAgents: []` counts everyone.
    await get('/t/everyone', { 'user-agent': 'HealthChecker/1' }).expect(200);
    await get('/t/everyone', { 'user-agent': 'HealthChecker/1' }).expect(429);
  });

  it("errorMessage: the module's text, or the policy's function of the context and the refusal", async () => {
    await get('/t/module-defaults').expect(200);
    const plain = await get('/t/module-defaults').expect(429);
    expect(plain.body).toMatchObject({ statusCode: 429, message: 'Too many requests, try later', policy: 'defaults' });

    await get('/t/message').expect(200);
    const written = await get('/t/message').expect(429);
    expect(written.body.message).toBe('Slow down: 1 per hour, again in 3600 s');
    expect(written.body.code).toBe('E_RATE_LIMIT_EXCEEDED');
    const { handler, refusal } = refusals.at(-1)!;
    expect(handler).toBe('message');
    expect(refusal).toMatchObject({
      policy: 'message',
      violatedPolicies: ['message'],
      retryAfter: 3600,
      limit: 1,
      windowMs: 3_600_000,
      remaining: 0,
    });
    expect(refusal.tracker).toMatch(/^ip:/);
    // The module's key function made the counted key.
    expect(refusal.key).toBe(`message:ThrottlerOptionsController:${refusal.tracker}`);
  });
});
