import { Injectable } from '@nestjs/common';
import type { WriteBehindItem } from '@cachet/core';
import { Cacheable, WriteBehind, WriteBehindBatch } from '@cachet/nestjs';
import { Database, InjectDatabase } from '../database/database.js';
import type { ActivityEvent } from './activity-event.js';

export const ACTIVITY_QUEUE = 'activity';
const activityKey = (id: string): string => `activity:${id}`;

interface ActivityRow {
  event_id: string;
  user_id: number;
  type: string;
  detail: string | null;
  occurred_at: Date | string;
}

@Injectable()
export class ActivityService {
  constructor(@InjectDatabase() private readonly db: Database) {}

  /**
   * Resolves once the event is durable in Redis (and cached under its key);
   * the INSERT happens later, in the flusher, through `persistBatch`.
   */
  @WriteBehind({ queue: ACTIVITY_QUEUE, key: (event: ActivityEvent) => activityKey(event.id), ttl: '10m' })
  async record(event: ActivityEvent): Promise<void> {
    await this.persist([event]);
  }

  /** The flusher hands over up to 100 queued events at once: one multi-row INSERT. */
  @WriteBehindBatch(ACTIVITY_QUEUE)
  async persistBatch(items: WriteBehindItem[]): Promise<void> {
    await this.persist(items.map((item) => item.args[0] as ActivityEvent));
  }

  /** Read-your-writes: an event still waiting in the queue is answered from the cache. */
  @Cacheable({ key: (id: string) => activityKey(id), ttl: '10m' })
  async findOne(id: string): Promise<ActivityEvent | null> {
    const row = await this.db.one<ActivityRow>(
      'SELECT event_id, user_id, type, detail, occurred_at FROM activity WHERE event_id = $1',
      [id],
    );
    return row
      ? {
          id: row.event_id,
          userId: row.user_id,
          type: row.type,
          detail: row.detail,
          occurredAt: new Date(row.occurred_at).toISOString(),
        }
      : null;
  }

  async persistedByType(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ type: string; count: number }>(
      'SELECT type, count(*)::int AS count FROM activity GROUP BY type ORDER BY type',
    );
    return Object.fromEntries(rows.map((row) => [row.type, row.count]));
  }

  /** Idempotent: a redelivered event (at-least-once) hits the unique event_id and is skipped. */
  private async persist(events: readonly ActivityEvent[]): Promise<void> {
    if (events.length === 0) return;
    const values: unknown[] = [];
    const tuples = events.map((event, index) => {
      values.push(event.id, event.userId, event.type, event.detail, event.occurredAt);
      const at = index * 5;
      return `($${at + 1}::uuid, $${at + 2}::int, $${at + 3}, $${at + 4}, $${at + 5}::timestamptz)`;
    });
    await this.db.query(
      `INSERT INTO activity (event_id, user_id, type, detail, occurred_at) VALUES ${tuples.join(', ')}
       ON CONFLICT (event_id) DO NOTHING`,
      values,
    );
  }
}
