import { Controller, Get } from '@nestjs/common';
import type { CacheStats, WriteBehindQueueStats } from '@cachet/core';
import { ACTIVITY_QUEUE } from '../activity/activity.service.js';
import { CacheService } from '@cachet/nestjs';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import { Database, InjectDatabase } from '../database/database.js';

/** A queue's figures, or why they are missing (they live in Redis, which may be away). */
type QueueView = WriteBehindQueueStats | { unavailable: string };

interface StatsView {
  cache: CacheStats & { hitRate: number | null };
  writeBehind: Record<string, QueueView>;
  database: { queries: number; byTable: Record<string, number> };
}

@Controller('cache')
export class CacheStatsController {
  constructor(
    private readonly cache: CacheService,
    @InjectDatabase() private readonly db: Database,
  ) {}

  @Get('stats')
  @Demonstrates(
    'Hit rate, stampede figures (lease waits, wake-ups, early refreshes), write-behind queues, database queries',
  )
  async stats(): Promise<StatsView> {
    const stats = this.cache.stats();
    const lookups = stats.hits + stats.misses + stats.staleServes;
    const { total, byTable } = this.db.queries.snapshot();
    return {
      cache: {
        ...stats,
        hitRate: lookups === 0 ? null : Number(((stats.hits + stats.staleServes) / lookups).toFixed(4)),
      },
      writeBehind: { [ACTIVITY_QUEUE]: await this.queueView(ACTIVITY_QUEUE) },
      database: { queries: total, byTable },
    };
  }

  /** The in-process figures always answer; the queue's come from Redis, so an outage is reported, not thrown. */
  private async queueView(queue: string): Promise<QueueView> {
    try {
      return await this.cache.writeBehindStats(queue);
    } catch (error) {
      return { unavailable: (error as Error).message };
    }
  }
}
