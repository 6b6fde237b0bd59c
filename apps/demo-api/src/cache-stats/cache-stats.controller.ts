import { Controller, Get } from '@nestjs/common';
import type {
  CacheStats,
  LockManager,
  LockStats,
  RateLimiter,
  RateLimiterStats,
  WriteBehindQueueStats,
} from '@cachet/core';
import { ACTIVITY_QUEUE } from '../activity/activity.service.js';
import { CacheService, InjectLockManager, InjectRateLimiter } from '@cachet/nestjs';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import { Database, InjectDatabase } from '../database/database.js';

/** A queue's figures, or why they are missing (they live in Redis, which may be away). */
type QueueView = WriteBehindQueueStats | { unavailable: string };

interface StatsView {
  cache: CacheStats & { hitRate: number | null };
  writeBehind: Record<string, QueueView>;
  rateLimits: RateLimiterStats;
  locks: LockStats;
  database: { queries: number; byTable: Record<string, number> };
}

@Controller('cache')
export class CacheStatsController {
  constructor(
    private readonly cache: CacheService,
    @InjectRateLimiter() private readonly limiter: RateLimiter,
    @InjectLockManager() private readonly locks: LockManager,
    @InjectDatabase() private readonly db: Database,
  ) {}

  @Get('stats')
  @Demonstrates(
    'Hit rate, stampede figures (lease waits, wake-ups, early refreshes), write-behind queues, rate-limit checks, locks, database queries',
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
      rateLimits: this.limiter.stats(),
      locks: this.locks.stats(),
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
