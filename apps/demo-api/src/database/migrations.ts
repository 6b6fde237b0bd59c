import type { Database } from './database.js';

interface Migration {
  id: number;
  name: string;
  sql: string;
}

/** Append-only: a migration, once shipped, is never edited. */
const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'users',
    sql: `
      CREATE TABLE users (
        id            serial PRIMARY KEY,
        email         text NOT NULL UNIQUE,
        name          text NOT NULL,
        password_hash text NOT NULL,
        updated_at    timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    id: 2,
    name: 'products',
    sql: `
      CREATE TABLE products (
        id          serial PRIMARY KEY,
        name        text NOT NULL,
        category    text NOT NULL,
        price_cents integer NOT NULL CHECK (price_cents >= 0),
        updated_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX products_category ON products (category, id);`,
  },
  {
    id: 3,
    name: 'activity',
    sql: `
      CREATE TABLE activity (
        id          bigserial PRIMARY KEY,
        user_id     integer NOT NULL,
        type        text NOT NULL,
        detail      text,
        occurred_at timestamptz NOT NULL
      );
      CREATE INDEX activity_type ON activity (type);`,
  },
  {
    id: 4,
    name: 'scores',
    sql: `
      CREATE TABLE scores (
        board  text NOT NULL,
        player text NOT NULL,
        score  integer NOT NULL,
        PRIMARY KEY (board, player)
      );`,
  },
  {
    id: 5,
    name: 'activity event ids',
    // Write-behind delivers at least once: the event's own id makes a redelivered insert a no-op.
    sql: `
      ALTER TABLE activity ADD COLUMN event_id uuid;
      CREATE UNIQUE INDEX activity_event_id ON activity (event_id);`,
  },
];

/** Applies, in order, every migration the database has not seen. Returns the names applied. */
export async function migrate(db: Database): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id         integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const done = new Set((await db.query<{ id: number }>('SELECT id FROM schema_migrations')).map((row) => row.id));
  const applied: string[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.id)) continue;
    await db.exec(`BEGIN; ${migration.sql}
      INSERT INTO schema_migrations (id, name) VALUES (${migration.id}, '${migration.name}');
      COMMIT;`);
    applied.push(migration.name);
  }
  return applied;
}
