import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CacheService } from '@cachet/nestjs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ACTIVITY_QUEUE } from '../activity/activity.service.js';

/** One point of the dashboard: what happened during one sampling interval. */
export interface DashboardSample {
  /** End of the interval (ms since epoch). */
  at: number;
  hits: number;
  misses: number;
  staleServes: number;
  loads: number;
  /** (hits + stale) / lookups in the interval; null when there were none. */
  hitRate: number | null;
  /** Write-behind items not yet persisted, at the end of the interval. */
  queueDepth: number;
  /** HTTP 429 answers in the interval. */
  refused: number;
  requests: number;
}

const SAMPLE_EVERY_MS = 1_000;
const KEEP_MS = 10 * 60_000;

/**
 * Samples the cache's counters, the activity queue and the HTTP refusals once
 * a second and keeps the last ten minutes, for /dashboard to plot.
 */
@Injectable()
export class DashboardSampler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly samples: DashboardSample[] = [];
  private previous = { hits: 0, misses: 0, staleServes: 0, loads: 0 };
  private refused = 0;
  private requests = 0;
  private timer: NodeJS.Timeout | undefined;
  private server: Server | undefined;

  constructor(
    private readonly cache: CacheService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  get intervalMs(): number {
    return SAMPLE_EVERY_MS;
  }

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    this.server?.on('request', this.countResponse);
    const { hits, misses, staleServes, loads } = this.cache.stats();
    this.previous = { hits, misses, staleServes, loads };
    this.timer = setInterval(() => void this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.server?.off('request', this.countResponse);
  }

  history(): DashboardSample[] {
    return [...this.samples];
  }

  private readonly countResponse = (_request: IncomingMessage, response: ServerResponse): void => {
    response.once('finish', () => {
      this.requests++;
      if (response.statusCode === 429) this.refused++;
    });
  };

  private async sample(): Promise<void> {
    const stats = this.cache.stats();
    const delta = {
      hits: stats.hits - this.previous.hits,
      misses: stats.misses - this.previous.misses,
      staleServes: stats.staleServes - this.previous.staleServes,
      loads: stats.loads - this.previous.loads,
    };
    this.previous = { hits: stats.hits, misses: stats.misses, staleServes: stats.staleServes, loads: stats.loads };
    const lookups = delta.hits + delta.misses + delta.staleServes;
    let queueDepth = this.samples.at(-1)?.queueDepth ?? 0;
    try {
      queueDepth = (await this.cache.writeBehindStats(ACTIVITY_QUEUE)).depth;
    } catch {
      // Redis away: keep the last known depth; the cache figures still tell the story.
    }
    this.samples.push({
      at: Date.now(),
      ...delta,
      hitRate: lookups === 0 ? null : (delta.hits + delta.staleServes) / lookups,
      queueDepth,
      refused: this.refused,
      requests: this.requests,
    });
    this.refused = 0;
    this.requests = 0;
    while (this.samples.length > 0 && this.samples[0]!.at < Date.now() - KEEP_MS) this.samples.shift();
  }
}
