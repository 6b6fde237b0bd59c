import type { SeedSize } from '../config/demo-config.js';
import { hashPassword } from '../auth/password.js';
import type { Database } from './database.js';

/** Every seeded account logs in with this password (user1@example.com … userN@example.com). */
export const DEMO_PASSWORD = 'cachet-demo';

export const CATEGORIES = [
  'books',
  'games',
  'garden',
  'kitchen',
  'music',
  'outdoor',
  'office',
  'toys',
  'tools',
  'travel',
] as const;

/**
 * Fills empty tables with deterministic rows (user 7 is always user7@example.com),
 * in a handful of set-based statements so startup stays quick.
 */
export async function seed(db: Database, size: SeedSize): Promise<{ seeded: boolean }> {
  const existing = await db.one<{ count: number }>('SELECT count(*)::int AS count FROM users');
  if ((existing?.count ?? 0) > 0) return { seeded: false };

  // One hash for every seeded account: hashing thousands of passwords would make startup slow.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.query(
    `INSERT INTO users (email, name, password_hash)
     SELECT 'user' || n || '@example.com', 'User ' || n, $1
     FROM generate_series(1, $2::int) AS n`,
    [passwordHash, size.users],
  );
  await db.query(
    `INSERT INTO products (name, category, price_cents)
     SELECT 'Product ' || n, ($1::text[])[1 + (n % $2::int)], 99 + ((n * 7919) % 10000)
     FROM generate_series(1, $3::int) AS n`,
    [CATEGORIES, CATEGORIES.length, size.products],
  );
  await db.query(
    `INSERT INTO scores (board, player, score)
     SELECT 'global', 'player' || n, (n * 104729) % 100000
     FROM generate_series(1, $1::int) AS n`,
    [size.players],
  );
  return { seeded: true };
}
