import { Injectable } from '@nestjs/common';
import { QuoteUpstream, type Quote } from './quote-upstream.js';

@Injectable()
export class QuotesService {
  constructor(private readonly upstream: QuoteUpstream) {}

  quote(symbol: string): Promise<Quote> {
    return this.upstream.fetch(symbol);
  }
}
