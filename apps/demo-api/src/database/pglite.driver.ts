import { PGlite } from '@electric-sql/pglite';
import type { SqlDriver } from './database.js';

/** PostgreSQL compiled to WebAssembly, in process: the demo needs no database server. */
export class PgliteDriver implements SqlDriver {
  readonly kind = 'pglite';

  private constructor(private readonly db: PGlite) {}

  /** `dataDir` keeps the data on disk between runs; without it the database lives in memory. */
  static async open(dataDir?: string): Promise<PgliteDriver> {
    return new PgliteDriver(await PGlite.create(dataDir));
  }

  async query(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
    const result = await this.db.query<Record<string, unknown>>(sql, [...params]);
    return result.rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
