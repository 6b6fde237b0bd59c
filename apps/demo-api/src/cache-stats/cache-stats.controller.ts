import { Controller, Get } from '@nestjs/common';
import type { CacheStats } from '@cachet/core';
import { CacheService } from '@cachet/nestjs';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import { Database, InjectDatabase } from '../database/database.js';

interface StatsView {
  cache: CacheStats & { hitRate: number | null };
  database: { queries: number; byTable: Record<string, number> };
}

@Controller('cache')
export class CacheStatsController {
  constructor(
    private readonly cache: CacheService,
    @InjectDatabase() private readonly db: Database,
  ) {}

  @Get('stats')
  @Demonstrates('Hit rate, stampede figures (lease waits, wake-ups, early refreshes) and the queries the database saw')
  stats(): StatsView {
    const stats = this.cache.stats();
    const lookups = stats.hits + stats.misses + stats.staleServes;
    const { total, byTable } = this.db.queries.snapshot();
    return {
      cache: {
        ...stats,
        hitRate: lookups === 0 ? null : Number(((stats.hits + stats.staleServes) / lookups).toFixed(4)),
      },
      database: { queries: total, byTable },
    };
  }
}
