import { PGlite } from '@electric-sql/pglite';
import type { WriteBehindItem } from '@cachet/core';

/**
 * A real database as the write-behind persister: each handler call is one
 * statement (a multi-row upsert), counted, and guarded by the item version so
 * redelivery and replays cannot move a row backwards.
 */
export class PgliteUsers {
  statements = 0;

  private constructor(
    readonly db: PGlite,
    readonly table: string,
  ) {}

  static async open(db: PGlite, table: string): Promise<PgliteUsers> {
    await db.exec(
      `CREATE TABLE ${table} (id text PRIMARY KEY, name text, version bigint NOT NULL, writes int NOT NULL DEFAULT 1)`,
    );
    return new PgliteUsers(db, table);
  }

  /** One statement for the whole batch: writes become upserts, deletes delete (newest version wins). */
  async persist(items: WriteBehindItem[]): Promise<void> {
    const writes = items.filter((item) => item.op === 'write');
    const deletes = items.filter((item) => item.op === 'delete');
    if (deletes.length > 0 && writes.length > 0) {
      // Keep order: apply item by item when a batch mixes both.
      for (const item of items) await this.persist([item]);
      return;
    }
    this.statements++;
    if (deletes.length > 0) {
      await this.db.query(`DELETE FROM ${this.table} WHERE id = ANY($1)`, [deletes.map((item) => item.key)]);
      return;
    }
    // Last write per key within one statement (Postgres refuses two rows for one key in an upsert).
    const latest = new Map<string, WriteBehindItem>();
    for (const item of writes) latest.set(item.key, item);
    const rows = [...latest.values()];
    const params: unknown[] = [];
    const values = rows.map((item, i) => {
      const user = item.args[0] as { name: string };
      params.push(item.key, user.name, String(item.version));
      return `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3}::bigint)`;
    });
    await this.db.query(
      `INSERT INTO ${this.table} (id, name, version) VALUES ${values.join(', ')}
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version, writes = ${this.table}.writes + 1
       WHERE ${this.table}.version < excluded.version`,
      params,
    );
  }

  async rows(): Promise<Map<string, { name: string; writes: number }>> {
    const result = await this.db.query<{ id: string; name: string; writes: number }>(
      `SELECT id, name, writes FROM ${this.table}`,
    );
    return new Map(result.rows.map((row) => [row.id, { name: row.name, writes: row.writes }]));
  }
}
