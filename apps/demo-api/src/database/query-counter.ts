// Table names after FROM/JOIN (not set-returning functions like generate_series(...)) and INTO/UPDATE.
const TABLE_REFERENCE =
  /\b(?:(?:from|join)\s+"?([a-z_][a-z0-9_]*)\b(?!"?\s*\()|(?:into|update)\s+"?([a-z_][a-z0-9_]*))/gi;

/**
 * Counts the queries that reach the database, in total and per table, so the
 * demo can show (and its tests can prove) that a cache hit never gets here.
 */
export class QueryCounter {
  private totalQueries = 0;
  private readonly perTable = new Map<string, number>();

  record(sql: string): void {
    this.totalQueries += 1;
    const tables = new Set(Array.from(sql.matchAll(TABLE_REFERENCE), (match) => (match[1] ?? match[2]).toLowerCase()));
    for (const table of tables) this.perTable.set(table, (this.perTable.get(table) ?? 0) + 1);
  }

  get total(): number {
    return this.totalQueries;
  }

  /** Queries that read or wrote `table`. */
  of(table: string): number {
    return this.perTable.get(table) ?? 0;
  }

  snapshot(): { total: number; byTable: Record<string, number> } {
    return { total: this.totalQueries, byTable: Object.fromEntries(this.perTable) };
  }
}
