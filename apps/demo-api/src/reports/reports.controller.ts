import { Controller, Get } from '@nestjs/common';
import { RateLimit } from '@cachet/nestjs';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import { Database, InjectDatabase } from '../database/database.js';

interface CategoryReport {
  category: string;
  products: number;
  averagePriceCents: number;
  minPriceCents: number;
  maxPriceCents: number;
}

/**
 * An aggregate over the whole catalog, computed fresh on every call: the kind
 * of endpoint a rate limit protects (the database), where a cache would not fit.
 */
@Controller('reports')
export class ReportsController {
  constructor(@InjectDatabase() private readonly db: Database) {}

  @Get('prices')
  // GCRA: one call every 2 s on average (30 a minute), up to 5 at once.
  @RateLimit({ name: 'reports', algorithm: 'token-bucket', limit: 30, window: '1m', burst: 5 })
  @Demonstrates('An expensive aggregate behind a route-level token bucket (bursts of 5, then 1 every 2 s)')
  async prices(): Promise<{ generatedAt: string; categories: CategoryReport[] }> {
    const categories = await this.db.query<CategoryReport>(
      `SELECT category,
              count(*)::int                AS "products",
              round(avg(price_cents))::int AS "averagePriceCents",
              min(price_cents)::int        AS "minPriceCents",
              max(price_cents)::int        AS "maxPriceCents"
       FROM products GROUP BY category ORDER BY category`,
    );
    return { generatedAt: new Date().toISOString(), categories };
  }
}
