import { BadRequestException, Controller, Get, Param } from '@nestjs/common';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import { QuoteUpstream, type Quote } from './quote-upstream.js';
import { QuotesService } from './quotes.service.js';

@Controller('quotes')
export class QuotesController {
  constructor(
    private readonly quotes: QuotesService,
    private readonly upstream: QuoteUpstream,
  ) {}

  @Get(':symbol')
  @Demonstrates('A 300 ms upstream behind early refresh (XFetch) and stale-while-revalidate: hot symbols never block')
  async quote(@Param('symbol') raw: string): Promise<Quote & { upstreamCalls: number }> {
    const symbol = raw.toUpperCase();
    if (!/^[A-Z]{1,5}$/.test(symbol)) throw new BadRequestException('symbol must be 1 to 5 letters');
    const quote = await this.quotes.quote(symbol);
    return { ...quote, upstreamCalls: this.upstream.calls(symbol) };
  }
}
