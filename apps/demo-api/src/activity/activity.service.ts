import { Injectable } from '@nestjs/common';
import { Database, InjectDatabase } from '../database/database.js';
import type { ActivityEvent } from './activity-event.js';

@Injectable()
export class ActivityService {
  constructor(@InjectDatabase() private readonly db: Database) {}

  /** One multi-row INSERT per batch (the write-behind flusher calls this). */
  async persist(events: readonly ActivityEvent[]): Promise<void> {
    if (events.length === 0) return;
    const values: unknown[] = [];
    const tuples = events.map((event, index) => {
      values.push(event.userId, event.type, event.detail, event.occurredAt);
      const at = index * 4;
      return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4})`;
    });
    await this.db.query(
      `INSERT INTO activity (user_id, type, detail, occurred_at) VALUES ${tuples.join(', ')}`,
      values,
    );
  }

  async persistedByType(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ type: string; count: number }>(
      'SELECT type, count(*)::int AS count FROM activity GROUP BY type ORDER BY type',
    );
    return Object.fromEntries(rows.map((row) => [row.type, row.count]));
  }
}
