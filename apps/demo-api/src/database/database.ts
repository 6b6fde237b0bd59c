import { Inject } from '@nestjs/common';
import { QueryCounter } from './query-counter.js';

/** What a SQL engine must offer the demo; PGlite and PostgreSQL (pg) both fit. */
export interface SqlDriver {
  readonly kind: 'pglite' | 'postgres';
  query(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Several statements, no parameters (migrations, seed). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export const DATABASE = Symbol('DATABASE');
export const InjectDatabase = (): ParameterDecorator => Inject(DATABASE);

/**
 * The one door to the database. Every query is counted (`queries`), which is
 * how the demo shows what the cache saves.
 */
export class Database {
  readonly queries = new QueryCounter();

  constructor(private readonly driver: SqlDriver) {}

  get kind(): SqlDriver['kind'] {
    return this.driver.kind;
  }

  async query<Row extends object = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<Row[]> {
    this.queries.record(sql);
    return (await this.driver.query(sql, params)) as Row[];
  }

  /** The first row, or `undefined`. */
  async one<Row extends object = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<Row | undefined> {
    return (await this.query<Row>(sql, params))[0];
  }

  async exec(sql: string): Promise<void> {
    this.queries.record(sql);
    await this.driver.exec(sql);
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
