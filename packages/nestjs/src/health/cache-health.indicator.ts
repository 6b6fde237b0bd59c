import type { Cache, Duration, WriteBehindQueueStats } from '@cachet/core';
import { toMs, type RedisClient } from '@cachet/core/store';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { CACHE_INSTANCE, CACHE_REDIS } from '../cache.constants.js';
import { WriteBehindOrchestrator } from '../write-behind/write-behind.orchestrator.js';

export interface CacheHealthOptions {
  /** How long PING may take before Redis counts as down. Default `'1s'`. */
  timeout?: Duration;
  /** Oldest unpersisted write-behind item older than this: down. Default `'1m'`. */
  maxWriteBehindLag?: Duration;
  /** More unpersisted items than this in one queue: down. Default: no limit. */
  maxWriteBehindDepth?: number;
  /** More dead letters than this in one queue: down. Default: no limit (dead letters are reported, not judged). */
  maxDeadLetters?: number;
  /** An open circuit breaker makes the check down. Default true. */
  breakerClosed?: boolean;
}

const HEALTH_PROBE_KEY = 'cachet-health-probe';

/** One `{ [key]: { status, ...details } }` result, the shape @nestjs/terminus reads. */
export type CacheHealthResult = Record<string, { status: 'up' | 'down'; [detail: string]: unknown }>;

/**
 * A @nestjs/terminus health indicator: Redis answers PING in time, the cache's
 * circuit breaker is closed, and each write-behind queue's oldest pending item
 * is younger than `maxWriteBehindLag`. When Redis answers again while the
 * breaker is open, the check itself is the breaker's probe (once `resetAfter`
 * has passed), so an instance taken out of traffic comes back. It returns `down` (terminus then answers
 * 503) rather than throwing, and needs no import of terminus itself.
 *
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.cache.isHealthy('cache', { maxWriteBehindLag: '30s' })]); }
 * ```
 */
@Injectable()
export class CacheHealthIndicator {
  constructor(
    @Inject(CACHE_INSTANCE) private readonly cache: Cache,
    private readonly writeBehind: WriteBehindOrchestrator,
    @Optional() @Inject(CACHE_REDIS) private readonly redis: RedisClient | null = null,
  ) {}

  async isHealthy(key = 'cache', options: CacheHealthOptions = {}): Promise<CacheHealthResult> {
    const timeoutMs = toMs(options.timeout ?? '1s', 'timeout');
    const maxLagMs = toMs(options.maxWriteBehindLag ?? '1m', 'maxWriteBehindLag');
    const problems: string[] = [];

    const redis = await this.pingRedis(timeoutMs);
    if (redis.status === 'down') problems.push(`Redis did not answer PING: ${redis.error}`);

    let breaker = this.cache.stats().breaker;
    if (breaker !== 'closed' && redis.status === 'up') {
      // Redis answers again: let a read through as the breaker's probe. Otherwise a readiness probe that
      // took this instance out of traffic would keep it out, no cached call being left to close the breaker.
      await this.cache.get(HEALTH_PROBE_KEY).catch(() => undefined);
      breaker = this.cache.stats().breaker;
    }
    if (breaker === 'open' && options.breakerClosed !== false) {
      problems.push('circuit breaker open: cached calls are going straight to their source');
    }

    const queues: Record<string, Omit<WriteBehindQueueStats, 'queue'>> = {};
    const allStats =
      redis.status === 'down'
        ? []
        : await this.queueStats().catch((error: Error) => {
            problems.push(`write-behind queues could not be read: ${error.message}`);
            return [];
          });
    {
      for (const stats of allStats) {
        const { queue, ...figures } = stats;
        queues[queue] = figures;
        const lag = stats.oldestPendingAgeMs ?? 0;
        if (lag > maxLagMs) problems.push(`write-behind queue "${queue}" lags ${lag} ms (limit ${maxLagMs} ms)`);
        if (options.maxWriteBehindDepth !== undefined && stats.depth > options.maxWriteBehindDepth) {
          problems.push(
            `write-behind queue "${queue}" holds ${stats.depth} items (limit ${options.maxWriteBehindDepth})`,
          );
        }
        if (options.maxDeadLetters !== undefined && stats.deadLetters > options.maxDeadLetters) {
          problems.push(`write-behind queue "${queue}" has ${stats.deadLetters} dead letters`);
        }
      }
    }

    return {
      [key]: {
        status: problems.length === 0 ? 'up' : 'down',
        redis: redis.status,
        ...(redis.latencyMs !== undefined ? { latencyMs: redis.latencyMs } : {}),
        breaker,
        ...(Object.keys(queues).length > 0 ? { writeBehind: queues } : {}),
        ...(problems.length > 0 ? { problems } : {}),
      },
    };
  }

  private async pingRedis(
    timeoutMs: number,
  ): Promise<{ status: 'up' | 'down' | 'memory'; latencyMs?: number; error?: string }> {
    if (!this.redis) return { status: 'memory' };
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { status: 'up', latencyMs: Math.round((performance.now() - started) * 100) / 100 };
    } catch (error) {
      return { status: 'down', error: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  private queueStats(): Promise<WriteBehindQueueStats[]> {
    return Promise.all(this.writeBehind.queueNames.map((queue) => this.writeBehind.stats(queue)));
  }
}
