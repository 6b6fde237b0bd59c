import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { createWriteBehind, type WriteBehind, type WriteBehindItem } from '@cachet/core';
import { InjectRedis } from '@cachet/nestjs';
import type { DemoRedis } from '../cache/redis-required.js';
import { DEMO_CONFIG, type DemoConfig } from '../config/demo-config.js';
import type { ActivityEvent } from './activity-event.js';
import { ActivityService } from './activity.service.js';

export const ACTIVITY_QUEUE = 'activity';

/**
 * The durable write-behind queue of activity events (a Redis stream under
 * `<namespace>:wb:{activity}`), flushed into the database in batches of up to
 * 100 rows by whichever instance holds the queue's flusher lease.
 */
@Injectable()
export class ActivityQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly writeBehind: WriteBehind;

  constructor(
    @InjectRedis() redis: DemoRedis,
    @Inject(DEMO_CONFIG) config: DemoConfig,
    private readonly activity: ActivityService,
  ) {
    this.writeBehind = createWriteBehind({
      // The module's client, which this queue never closes; in memory without Redis (not durable).
      ...(redis ? { redis } : { store: 'memory' as const }),
      namespace: config.namespace,
      batchSize: 100,
      flushInterval: '500ms',
      maxAttempts: 5,
      logger: new Logger('WriteBehind'),
    });
    this.writeBehind.registerHandler(ACTIVITY_QUEUE, {
      handleBatch: (items: WriteBehindItem[]) =>
        this.activity.persist(items.map((item) => item.args[0] as ActivityEvent)),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.writeBehind.start();
  }

  /** Before the database and Redis close: what is queued is flushed first (bounded by the drain timeout). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.writeBehind.close();
  }

  /** Resolves once the event is durable in Redis; the row is inserted later. */
  async append(event: ActivityEvent): Promise<void> {
    await this.writeBehind.append(ACTIVITY_QUEUE, { key: `activity:${event.id}`, args: [event] });
  }
}
