import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_CONFIG, type DemoConfig } from '../config/demo-config.js';

export interface Quote {
  symbol: string;
  priceCents: number;
  asOf: string;
}

/**
 * A stand-in for a slow market-data API: every call takes `quotes.latencyMs`
 * (300 ms by default). It counts its calls so the demo can show how few
 * reach it.
 */
@Injectable()
export class QuoteUpstream {
  private readonly callsPerSymbol = new Map<string, number>();

  constructor(@Inject(DEMO_CONFIG) private readonly config: DemoConfig) {}

  async fetch(symbol: string): Promise<Quote> {
    const calls = (this.callsPerSymbol.get(symbol) ?? 0) + 1;
    this.callsPerSymbol.set(symbol, calls);
    await sleep(this.config.quotes.latencyMs);
    return { symbol, priceCents: basePrice(symbol) + ((calls * 37) % 200) - 100, asOf: new Date().toISOString() };
  }

  calls(symbol?: string): number {
    if (symbol !== undefined) return this.callsPerSymbol.get(symbol) ?? 0;
    let total = 0;
    for (const count of this.callsPerSymbol.values()) total += count;
    return total;
  }
}

function basePrice(symbol: string): number {
  let price = 10_000;
  for (const char of symbol) price += char.charCodeAt(0) * 97;
  return price;
}
