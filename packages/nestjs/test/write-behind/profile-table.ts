import type { PGlite } from '@electric-sql/pglite';
import type { WriteBehindItem } from '../../src/index.js';
import { waitUntil } from '@cachet/testing';

export interface Profile {
  id: string;
  name: string;
}

/** Where the test services find their table (a `useValue` provider). */
export const PROFILE_TABLE = Symbol('PROFILE_TABLE');

/**
 * A real database table as the write-behind persister. Every statement is
 * counted and every persisted write logged in order, so tests can check
 * batching, coalescing and per-key order against what really reached the
 * database.
 */
export class ProfileTable {
  statements = 0;
  /** Every write that reached the database, in order. */
  readonly persisted: Profile[] = [];
  /** Names the database refuses (a CHECK constraint would, in real life). */
  readonly refused = new Set<string>();
  /** The next this many statements fail as if the database were unreachable. */
  failNext = 0;

  private constructor(
    private readonly db: PGlite,
    readonly table: string,
  ) {}

  static async open(db: PGlite, table: string): Promise<ProfileTable> {
    await db.exec(`CREATE TABLE ${table} (id text PRIMARY KEY, name text NOT NULL, version bigint NOT NULL DEFAULT 0)`);
    return new ProfileTable(db, table);
  }

  async insert(profile: Profile): Promise<void> {
    await this.db.query(`INSERT INTO ${this.table} (id, name) VALUES ($1, $2)`, [profile.id, profile.name]);
  }

  /** One statement per call. */
  async upsert(profile: Profile): Promise<void> {
    this.check([profile]);
    this.statements++;
    await this.db.query(
      `INSERT INTO ${this.table} (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name`,
      [profile.id, profile.name],
    );
    this.persisted.push(profile);
  }

  /** One multi-row statement per batch, guarded by the item version (redelivery and replays are harmless). */
  async upsertMany(items: WriteBehindItem[]): Promise<void> {
    const latest = new Map<string, WriteBehindItem>();
    for (const item of items) latest.set(item.key, item);
    const rows = [...latest.values()];
    this.check(rows.map((item) => item.args[0] as Profile));
    this.statements++;
    const params: unknown[] = [];
    const values = rows.map((item, i) => {
      const profile = item.args[0] as Profile;
      params.push(profile.id, profile.name, String(item.version));
      return `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3}::bigint)`;
    });
    await this.db.query(
      `INSERT INTO ${this.table} (id, name, version) VALUES ${values.join(', ')}
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version
       WHERE ${this.table}.version < excluded.version`,
      params,
    );
    this.persisted.push(...rows.map((item) => item.args[0] as Profile));
  }

  async find(id: string): Promise<Profile | null> {
    const result = await this.db.query<Profile>(`SELECT id, name FROM ${this.table} WHERE id = $1`, [id]);
    return result.rows[0] ?? null;
  }

  async rows(): Promise<Map<string, string>> {
    const result = await this.db.query<Profile>(`SELECT id, name FROM ${this.table}`);
    return new Map(result.rows.map((row) => [row.id, row.name]));
  }

  private check(profiles: Profile[]): void {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('connection terminated unexpectedly');
    }
    const bad = profiles.find((profile) => this.refused.has(profile.name));
    if (bad) throw new Error(`name "${bad.name}" violates profiles_name_check`);
  }
}

/** Polls until `check` holds (the flusher works on its own clock); fails with `what` after `timeoutMs`. */
export function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  return waitUntil(check, { what, timeoutMs, intervalMs: 25 });
}
