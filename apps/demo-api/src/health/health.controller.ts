import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { CacheHealthIndicator, SkipRateLimit } from '@cachet/nestjs';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import { Database, InjectDatabase } from '../database/database.js';

interface Check {
  status: 'up' | 'down';
  [detail: string]: unknown;
}

@Controller('health')
export class HealthController {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly cacheHealth: CacheHealthIndicator,
  ) {}

  @Get()
  @SkipRateLimit('global') // a load balancer's probes must never be refused
  @Demonstrates('CacheHealthIndicator (Redis PING, circuit breaker, write-behind lag) next to a database check')
  async health(): Promise<{ status: 'ok'; checks: Record<string, Check> }> {
    const [database, cache] = await Promise.all([
      this.databaseCheck(),
      this.cacheHealth.isHealthy('cache', { maxWriteBehindLag: '30s' }),
    ]);
    const checks = { database, ...cache };
    if (Object.values(checks).some((check) => check.status === 'down')) {
      throw new ServiceUnavailableException({ status: 'error', checks });
    }
    return { status: 'ok', checks };
  }

  private async databaseCheck(): Promise<Check> {
    const startedAt = performance.now();
    try {
      await this.db.query('SELECT 1');
      return { status: 'up', kind: this.db.kind, latencyMs: Math.round((performance.now() - startedAt) * 10) / 10 };
    } catch (error) {
      return { status: 'down', kind: this.db.kind, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
