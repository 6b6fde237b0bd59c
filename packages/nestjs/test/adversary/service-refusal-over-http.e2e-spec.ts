import { uniqueNamespace } from '@cachet/testing';
import 'reflect-metadata';
import { Controller, Get, Injectable, Param, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { RateLimit } from '../../src/index.js';
import { ADAPTERS, bootHttpApp } from '../support/http-app.js';

@Injectable()
class QuoteService {
  @RateLimit({ name: 'upstream', limit: 2, window: '1m', by: (ctx) => String(ctx.getArgs()[0]) })
  async quote(symbol: string): Promise<{ symbol: string }> {
    return { symbol };
  }
}

@Controller('quotes')
class QuoteController {
  constructor(private readonly quotes: QuoteService) {}

  @Get(':symbol')
  quote(@Param('symbol') symbol: string) {
    return this.quotes.quote(symbol);
  }
}

describe.each(ADAPTERS)('a service-method refusal that escapes a controller (%s)', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await bootHttpApp(
      adapter,
      { controllers: [QuoteController], providers: [QuoteService] },
      { namespace: uniqueNamespace('svc-429') },
    );
  });
  afterAll(() => app.close());

  it('is a 429 with an integer Retry-After header equal to the body', async () => {
    await request(app.getHttpServer()).get('/quotes/ACME').expect(200);
    await request(app.getHttpServer()).get('/quotes/ACME').expect(200);
    const refused = await request(app.getHttpServer()).get('/quotes/ACME').expect(429);
    expect(refused.body).toMatchObject({ policy: 'upstream', retryAfter: expect.any(Number) });
    expect(refused.headers['retry-after']).toBe(String((refused.body as { retryAfter: number }).retryAfter));
  });
});
