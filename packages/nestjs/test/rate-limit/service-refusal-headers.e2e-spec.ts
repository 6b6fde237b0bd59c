import {
  Catch,
  Controller,
  Get,
  HttpException,
  Injectable,
  Param,
  UseFilters,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import request from 'supertest';
import { RateLimit, RateLimitExceededException } from '@cachet/nestjs';
import { createRateLimitApp, type RateLimitApp } from './rate-limit-app.js';
import { ADAPTERS } from '../support/http-app.js';

@Injectable()
class QuoteService {
  @RateLimit([
    { name: 'upstream', limit: 1, window: '1h', algorithm: 'fixed-window', by: (ctx) => String(ctx.getArgs()[0]) },
    { name: 'daily', limit: 100, window: '1d', algorithm: 'fixed-window', by: (ctx) => String(ctx.getArgs()[0]) },
  ])
  async quote(symbol: string): Promise<{ symbol: string }> {
    return { symbol };
  }
}

/** An app's own error rendering: it writes the body; the headers set before it stay. */
@Catch(HttpException)
class PlainErrors implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{
      status?: (code: number) => { json?: (body: unknown) => void; send?: (body: unknown) => void };
      code?: (code: number) => { send: (body: unknown) => void };
    }>();
    const body = { error: 'custom', status: exception.getStatus() };
    if (typeof response.code === 'function') response.code(exception.getStatus()).send(body);
    else response.status!(exception.getStatus()).json!(body);
  }
}

// No RateLimitGuard here: the limit lives on the service method the routes call.
@Controller('quotes')
class QuotesController {
  constructor(private readonly quotes: QuoteService) {}

  @Get('by-hand')
  byHand() {
    throw new RateLimitExceededException(['login'], 2_500);
  }

  @Get(':symbol')
  quote(@Param('symbol') symbol: string) {
    return this.quotes.quote(symbol);
  }

  @Get('filtered/:symbol')
  @UseFilters(PlainErrors)
  filtered(@Param('symbol') symbol: string) {
    return this.quotes.quote(symbol);
  }
}

describe.each(ADAPTERS)('a 429 thrown by a rate-limited service method (%s)', (platform) => {
  let fixture: RateLimitApp;

  beforeAll(async () => {
    fixture = await createRateLimitApp(platform, { controllers: [QuotesController], providers: [QuoteService] });
  });
  afterAll(() => fixture.close());

  it('carries Retry-After and the refusing policies’ headers, like a guard refusal', async () => {
    const admitted = await request(fixture.server).get('/quotes/ACME').expect(200);
    expect(admitted.body).toEqual({ symbol: 'ACME' });

    const refused = await request(fixture.server).get('/quotes/ACME').expect(429);
    expect(refused.headers['retry-after']).toBe('3600');
    expect(refused.headers['ratelimit-policy']).toBe('"upstream";q=1;w=3600, "daily";q=100;w=86400');
    expect(refused.headers['ratelimit']).toBe('"upstream";r=0;t=3600, "daily";r=99;t=86400');
    expect(refused.headers['x-ratelimit-limit']).toBe('1');
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(refused.headers['x-ratelimit-reset']).toBe('3600');
    expect(refused.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'Rate limit "upstream" exceeded; retry in 3600 s.',
      code: 'E_RATE_LIMIT_EXCEEDED',
      policy: 'upstream',
      violatedPolicies: ['upstream'],
      retryAfter: 3600,
    });
    // Another symbol is another subject.
    await request(fixture.server).get('/quotes/OTHER').expect(200);
  });

  it("keeps the headers when the app's own exception filter renders the error", async () => {
    await request(fixture.server).get('/quotes/filtered/FILT').expect(200);
    const refused = await request(fixture.server).get('/quotes/filtered/FILT').expect(429);
    expect(refused.body).toEqual({ error: 'custom', status: 429 });
    expect(refused.headers['retry-after']).toBe('3600');
    expect(refused.headers['ratelimit']).toBe('"upstream";r=0;t=3600, "daily";r=99;t=86400');
  });

  it('a RateLimitExceededException thrown by hand carries Retry-After', async () => {
    const refused = await request(fixture.server).get('/quotes/by-hand').expect(429);
    expect(refused.headers['retry-after']).toBe('3');
    expect(refused.headers['ratelimit']).toBeUndefined();
    expect(refused.body).toMatchObject({ policy: 'login', retryAfter: 3 });
  });
});
