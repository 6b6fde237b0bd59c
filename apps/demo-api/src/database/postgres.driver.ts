import pg from 'pg';
import type { SqlDriver } from './database.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A real PostgreSQL server through a `pg` pool, optionally inside one schema of its own. */
export class PostgresDriver implements SqlDriver {
  readonly kind = 'postgres';

  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string, schema?: string): Promise<PostgresDriver> {
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
      throw new Error(`DATABASE_SCHEMA must match ${SCHEMA_NAME} (got "${schema}")`);
    }
    if (schema) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      // Every pooled connection resolves unqualified table names in the demo's schema.
      options: schema ? `-c search_path="${schema}"` : undefined,
    });
    pool.on('error', () => undefined); // an idle client dropped by the server is replaced on next use
    return new PostgresDriver(pool);
  }

  async query(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
    const result = await this.pool.query(sql, [...params]);
    return result.rows as Record<string, unknown>[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
