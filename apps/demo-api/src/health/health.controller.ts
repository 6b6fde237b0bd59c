import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import { DEMO_CONFIG, type DemoConfig } from '../config/demo-config.js';
import { Database, InjectDatabase } from '../database/database.js';

interface Check {
  status: 'up' | 'down';
  [detail: string]: unknown;
}

@Controller('health')
export class HealthController {
  constructor(
    @InjectDatabase() private readonly db: Database,
    @Inject(DEMO_CONFIG) private readonly config: DemoConfig,
  ) {}

  @Get()
  @Demonstrates('Liveness of Redis (or the in-memory fallback) and the database')
  async health(): Promise<{ status: 'ok'; checks: Record<string, Check> }> {
    const checks = { database: await this.databaseCheck(), redis: { status: 'up', store: this.config.store } as Check };
    const status = Object.values(checks).every((check) => check.status === 'up') ? 'ok' : 'error';
    if (status === 'error') throw new ServiceUnavailableException({ status, checks });
    return { status, checks };
  }

  private async databaseCheck(): Promise<Check> {
    try {
      await this.db.query('SELECT 1');
      return { status: 'up', kind: this.db.kind };
    } catch (error) {
      return { status: 'down', kind: this.db.kind, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
