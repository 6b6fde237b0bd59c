import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from '@cachet/core';
import { DEMO_CACHE } from '../cache/demo-cache.module.js';
import { DEMO_CONFIG, type DemoConfig } from '../config/demo-config.js';
import { QuoteUpstream, type Quote } from './quote-upstream.js';

@Injectable()
export class QuotesService {
  constructor(
    private readonly upstream: QuoteUpstream,
    @Inject(DEMO_CACHE) private readonly cache: Cache,
    @Inject(DEMO_CONFIG) private readonly config: DemoConfig,
  ) {}

  /**
   * Early refresh reloads a hot quote shortly before it expires; past expiry,
   * stale-while-revalidate answers the last quote at once while one caller
   * refreshes it. Either way a reader almost never waits 300 ms.
   */
  quote(symbol: string): Promise<Quote> {
    return this.cache.getOrSet(`quote:${symbol}`, () => this.upstream.fetch(symbol), {
      ttl: this.config.quotes.ttl,
      earlyRefresh: { beta: 1 },
      staleWhileRevalidate: '1m',
    });
  }
}
