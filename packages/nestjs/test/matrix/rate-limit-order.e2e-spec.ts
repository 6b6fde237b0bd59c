import { uniqueNamespace } from '@cachet/testing';
import 'reflect-metadata';
import { Controller, Get, Injectable, Param, type INestApplication } from '@nestjs/common';
import { Cacheable, CacheBindingError, RateLimit, RateLimitExceededException } from '../../src/index.js';
import { bootCacheApp, CallLog } from '../support/test-app.js';

const LIMIT = 2;

@Injectable()
class QuoteService {
  readonly log = new CallLog();

  // Outermost first: the limit sees every call, cached or not.
  @RateLimit({ limit: LIMIT, window: '1h' })
  @Cacheable({ key: (symbol: string) => `counted:${symbol}` })
  async everyCallCounted(symbol: string): Promise<string> {
    this.log.record(`counted:${symbol}`);
    return symbol;
  }

  // The cache answers first: only misses reach the limit (and the source).
  @Cacheable({ key: (symbol: string) => `misses:${symbol}` })
  @RateLimit({ limit: LIMIT, window: '1h' })
  async missesCounted(symbol: string): Promise<string> {
    this.log.record(`misses:${symbol}`);
    return symbol;
  }
}

@Controller('quotes')
class CacheAboveLimitController {
  @Get(':symbol')
  @Cacheable({ key: (symbol: string) => `route:${symbol}` })
  @RateLimit({ limit: LIMIT, window: '1h' })
  async quote(@Param('symbol') symbol: string): Promise<string> {
    return symbol;
  }
}

describe('@RateLimit with @Cacheable on one method: the order on the page decides', () => {
  let app: INestApplication;
  let quotes: QuoteService;

  beforeAll(async () => {
    app = await bootCacheApp({ providers: [QuoteService] }, { namespace: uniqueNamespace('order') });
    quotes = app.get(QuoteService);
  });

  afterAll(() => app.close());

  it('@RateLimit above @Cacheable: cache hits are counted too', async () => {
    for (let call = 0; call < LIMIT; call++) expect(await quotes.everyCallCounted('ACME')).toBe('ACME');
    await expect(quotes.everyCallCounted('ACME')).rejects.toBeInstanceOf(RateLimitExceededException);
    expect(quotes.log.count('counted:ACME')).toBe(1);
  });

  it('@Cacheable above @RateLimit: hits are free; only misses spend the quota', async () => {
    for (let call = 0; call < LIMIT + 3; call++) expect(await quotes.missesCounted('ACME')).toBe('ACME');
    expect(await quotes.missesCounted('GLOBEX')).toBe('GLOBEX');
    // Two misses spent the quota: a third key is refused, and nothing was loaded for it.
    await expect(quotes.missesCounted('INITECH')).rejects.toBeInstanceOf(RateLimitExceededException);
    expect(quotes.log.calls.filter((call) => call.startsWith('misses:'))).toEqual(['misses:ACME', 'misses:GLOBEX']);
  });

  it('on a route, where RateLimitGuard runs before the handler, @Cacheable above @RateLimit fails app.init()', async () => {
    const failure = await bootCacheApp(
      { controllers: [CacheAboveLimitController] },
      { store: 'memory', namespace: uniqueNamespace('order-route') },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CacheBindingError);
    expect((failure as Error).message).toMatch(
      /^CacheAboveLimitController\.quote: @RateLimit is written below @Cacheable, .*RateLimitGuard runs before the handler/,
    );
  });
});
