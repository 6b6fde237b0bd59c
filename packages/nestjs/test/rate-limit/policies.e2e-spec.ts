import { Controller, Get, Injectable, Param, UseGuards, type CanActivate } from '@nestjs/common';
import request from 'supertest';
import { RateLimit, RateLimitExceededException, RateLimitGuard, SkipRateLimit } from '@cachet/nestjs';
import { createRateLimitApp, type RateLimitApp } from './rate-limit-app.js';
import { ADAPTERS } from '../support/http-app.js';

@Controller('p')
@UseGuards(RateLimitGuard)
@RateLimit([
  { name: 'burst', limit: 5, window: '1h', algorithm: 'fixed-window' },
  { name: 'hourly', limit: 100, window: '1h', algorithm: 'fixed-window' },
])
class PoliciesController {
  @Get('tight')
  @RateLimit({ name: 'burst', limit: 2, window: '1h', algorithm: 'fixed-window' })
  tight() {
    return { ok: true };
  }

  @Get('inherits')
  inherits() {
    return { ok: true };
  }

  @Get('skip-all')
  @SkipRateLimit()
  skipAll() {
    return { ok: true };
  }

  @Get('skip-burst')
  @SkipRateLimit('burst')
  skipBurst() {
    return { ok: true };
  }

  @Get('both-must-pass')
  @RateLimit({ name: 'hourly', limit: 1, window: '1h', algorithm: 'fixed-window' })
  bothMustPass() {
    return { ok: true };
  }
}

@Controller('r')
@UseGuards(RateLimitGuard)
class RouteOnlyController {
  @Get('limited')
  @RateLimit({ limit: 1, window: '1h', algorithm: 'sliding-log' })
  limited() {
    return { ok: true };
  }

  @Get('free')
  free() {
    return { ok: true };
  }

  @Get('skip-if')
  @RateLimit({ limit: 1, window: '1h', skipIf: (ctx) => ctx.switchToHttp().getRequest().headers['x-internal'] === '1' })
  skipIf() {
    return { ok: true };
  }

  @Get('per-tenant/:tenant')
  @RateLimit({
    limit: (ctx) => (ctx.switchToHttp().getRequest().params.tenant === 'gold' ? 3 : 1),
    window: '1h',
    by: (ctx) => ctx.switchToHttp().getRequest().params.tenant,
  })
  perTenant() {
    return { ok: true };
  }
}

@Injectable()
class DenyAll implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Controller('auth')
class AuthController {
  @Get('login')
  @UseGuards(DenyAll)
  login() {
    return { ok: true };
  }
}

@Injectable()
class QuoteService {
  calls = 0;

  @RateLimit({ name: 'quotes', limit: 2, window: '1h', by: (ctx) => String(ctx.getArgs()[0]) })
  async quote(symbol: string): Promise<{ symbol: string; calls: number }> {
    return { symbol, calls: ++this.calls };
  }
}

@Controller('quotes')
class QuotesController {
  constructor(private readonly quotes: QuoteService) {}

  @Get(':symbol')
  quote(@Param('symbol') symbol: string) {
    return this.quotes.quote(symbol);
  }
}

const hit = (fixture: RateLimitApp, path: string) => request(fixture.server).get(path);

describe.each(ADAPTERS)('rate-limit policies (%s)', (platform) => {
  let fixture: RateLimitApp;
  beforeAll(async () => {
    fixture = await createRateLimitApp(platform, {
      controllers: [PoliciesController, RouteOnlyController, QuotesController],
      providers: [QuoteService],
    });
  });
  afterAll(() => fixture.close());

  it('a method policy replaces the class policy of the same name; the other class policy still applies', async () => {
    const first = await hit(fixture, '/p/tight').expect(200);
    expect(first.headers['ratelimit-policy']).toBe('"burst";q=2;w=3600, "hourly";q=100;w=3600');
    await hit(fixture, '/p/tight').expect(200);
    const refused = await hit(fixture, '/p/tight').expect(429);
    expect(refused.body.violatedPolicies).toEqual(['burst']);
    // The class-level burst quota (5, shared by the class's routes) was not touched by /tight, and the
    // refused request took nothing from 'hourly': it holds the 2 admitted requests and this one.
    const inherited = await hit(fixture, '/p/inherits').expect(200);
    expect(inherited.headers['ratelimit']).toBe('"burst";r=4;t=3600, "hourly";r=97;t=3600');
  });

  it('every policy that applies must pass', async () => {
    await hit(fixture, '/p/both-must-pass').expect(200);
    const refused = await hit(fixture, '/p/both-must-pass').expect(429);
    expect(refused.body.policy).toBe('hourly');
    expect(refused.headers['ratelimit-policy']).toBe('"burst";q=5;w=3600, "hourly";q=1;w=3600');
  });

  it('@SkipRateLimit() leaves out every inherited policy; with names, only those', async () => {
    for (let i = 0; i < 8; i++) {
      const response = await hit(fixture, '/p/skip-all').expect(200);
      expect(response.headers['ratelimit-policy']).toBeUndefined();
    }
    const partial = await hit(fixture, '/p/skip-burst').expect(200);
    expect(partial.headers['ratelimit-policy']).toBe('"hourly";q=100;w=3600');
  });

  it('a route-only policy never leaks onto other routes', async () => {
    await hit(fixture, '/r/limited').expect(200);
    await hit(fixture, '/r/limited').expect(429);
    for (let i = 0; i < 5; i++) {
      const response = await hit(fixture, '/r/free').expect(200);
      expect(response.headers['ratelimit']).toBeUndefined();
      expect(response.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });

  it('skipIf leaves a request out (not counted); limit and by may depend on the request', async () => {
    for (let i = 0; i < 3; i++) await hit(fixture, '/r/skip-if').set('x-internal', '1').expect(200);
    await hit(fixture, '/r/skip-if').expect(200);
    await hit(fixture, '/r/skip-if').expect(429);

    for (let i = 0; i < 3; i++) await hit(fixture, '/r/per-tenant/gold').expect(200);
    await hit(fixture, '/r/per-tenant/gold').expect(429);
    await hit(fixture, '/r/per-tenant/free').expect(200);
    await hit(fixture, '/r/per-tenant/free').expect(429);
  });

  it('a rate-limited service method throws RateLimitExceededException (429 through a controller)', async () => {
    await hit(fixture, '/quotes/ACME').expect(200);
    await hit(fixture, '/quotes/ACME').expect(200);
    const refused = await hit(fixture, '/quotes/ACME').expect(429);
    expect(refused.body.policy).toBe('quotes');
    await hit(fixture, '/quotes/OTHER').expect(200);

    const service = fixture.app.get(QuoteService);
    await expect(service.quote('ACME')).rejects.toBeInstanceOf(RateLimitExceededException);
    expect(service.quote.name).toBe('quote');
    expect((await service.quote('THIRD')).symbol).toBe('THIRD');
  });
});

describe.each(ADAPTERS)('rate-limit global guard (%s)', (platform) => {
  let fixture: RateLimitApp;
  beforeAll(async () => {
    fixture = await createRateLimitApp(platform, {
      controllers: [AuthController, RouteOnlyController],
      options: { global: { name: 'global', limit: 2, window: '1h', algorithm: 'fixed-window' } },
    });
  });
  afterAll(() => fixture.close());

  it('runs before route guards: brute force gets 429 before reaching auth', async () => {
    await hit(fixture, '/auth/login').expect(403);
    await hit(fixture, '/auth/login').expect(403);
    const refused = await hit(fixture, '/auth/login').expect(429);
    expect(refused.body.policy).toBe('global');
  });

  it('counts a request once even when the route also names RateLimitGuard', async () => {
    await fixture.close();
    fixture = await createRateLimitApp(platform, {
      controllers: [AuthController, RouteOnlyController],
      options: { global: { name: 'global', limit: 2, window: '1h', algorithm: 'fixed-window' } },
    });
    const response = await hit(fixture, '/r/free').expect(200);
    expect(response.headers['ratelimit']).toBe('"global";r=1;t=3600');
    const limited = await hit(fixture, '/r/limited').expect(200);
    // Counted twice, the global quota (2) would have refused this second request.
    expect(limited.headers['ratelimit']).toBe('"global";r=0;t=3600, "default";r=0;t=3600');
  });
});
