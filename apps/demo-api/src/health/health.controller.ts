import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { InjectRedis, SkipRateLimit } from '@cachet/nestjs';
import type { DemoRedis } from '../cache/redis-required.js';
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
    @InjectRedis() private readonly redis: DemoRedis,
  ) {}

  @Get()
  @SkipRateLimit('global') // a load balancer's probes must never be refused
  @Demonstrates('Liveness of Redis (or the in-memory fallback) and the database')
  async health(): Promise<{ status: 'ok'; checks: Record<string, Check> }> {
    const [database, redis] = await Promise.all([this.databaseCheck(), this.redisCheck()]);
    const checks = { database, redis };
    if (database.status === 'down' || redis.status === 'down') {
      throw new ServiceUnavailableException({ status: 'error', checks });
    }
    return { status: 'ok', checks };
  }

  private async databaseCheck(): Promise<Check> {
    return probe(async () => {
      await this.db.query('SELECT 1');
      return { kind: this.db.kind };
    });
  }

  private async redisCheck(): Promise<Check> {
    if (!this.redis) return { status: 'up', store: 'memory' };
    const redis = this.redis;
    return probe(async () => {
      await redis.ping();
      return { store: 'redis' };
    });
  }
}

async function probe(check: () => Promise<Record<string, unknown>>): Promise<Check> {
  const startedAt = performance.now();
  try {
    const details = await check();
    return { status: 'up', ...details, latencyMs: Math.round((performance.now() - startedAt) * 10) / 10 };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  }
}
