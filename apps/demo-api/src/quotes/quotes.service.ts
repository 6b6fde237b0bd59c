import { Inject, Injectable } from '@nestjs/common';
import type { Duration } from '@cachet/core';
import { Cacheable } from '@cachet/nestjs';
import { DEMO_CONFIG, type DemoConfig } from '../config/demo-config.js';
import { QuoteUpstream, type Quote } from './quote-upstream.js';

@Injectable()
export class QuotesService {
  constructor(
    private readonly upstream: QuoteUpstream,
    @Inject(DEMO_CONFIG) private readonly config: DemoConfig,
  ) {}

  /**
   * Early refresh reloads a hot quote shortly before it expires; past expiry,
   * stale-while-revalidate answers the last quote at once while one caller
   * refreshes it. Either way a reader almost never waits 300 ms.
   */
  @Cacheable({
    key: (symbol: string) => `quote:${symbol}`,
    // Option functions run with the service as `this`: the TTL comes from the app's config (5 s by default).
    ttl: function (this: QuotesService): Duration {
      return this.config.quotes.ttl;
    },
    earlyRefresh: { beta: 1 },
    staleWhileRevalidate: '1m',
  })
  async quote(symbol: string): Promise<Quote> {
    return this.upstream.fetch(symbol);
  }
}
