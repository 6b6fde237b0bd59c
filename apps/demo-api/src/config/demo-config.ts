import type { Duration } from '@cachet/core';

/** Everything the demo reads from its environment, resolved once at startup. */
export interface DemoConfig {
  port: number;
  host: string;
  redisUrl: string;
  /** `'memory'` only when Redis could not be reached at startup (see redis-probe.ts). */
  store: 'redis' | 'memory';
  /** Every cache and rate-limit key starts with `namespace:`. */
  namespace: string;
  database: DatabaseConfig;
  seed: SeedSize;
  /** The fake market-data upstream: how long each call takes, and how long a quote stays fresh. */
  quotes: { latencyMs: number; ttl: Duration };
  /** A session lives `ttl` past its last use, and never more than `maxAge` in all. */
  sessions: { ttl: Duration; maxAge: Duration };
  /** The sliding-window policy every route gets, per client address. */
  globalRateLimit: { limit: number; window: Duration };
}

export type DatabaseConfig = { kind: 'pglite'; dataDir?: string } | { kind: 'postgres'; url: string; schema?: string };

export interface SeedSize {
  users: number;
  products: number;
  players: number;
}

export const DEMO_CONFIG = Symbol('DEMO_CONFIG');

export const DEFAULT_SEED: SeedSize = { users: 2000, products: 3000, players: 500 };

/** Reads PORT, HOST, REDIS_URL, DATABASE_URL, DATABASE_SCHEMA, PGLITE_DATA_DIR, CACHE_NAMESPACE. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const databaseUrl = env.DATABASE_URL?.trim();
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    store: 'redis',
    namespace: env.CACHE_NAMESPACE ?? 'demo',
    database: databaseUrl
      ? { kind: 'postgres', url: databaseUrl, schema: env.DATABASE_SCHEMA || undefined }
      : { kind: 'pglite', dataDir: env.PGLITE_DATA_DIR || undefined },
    seed: DEFAULT_SEED,
    quotes: { latencyMs: 300, ttl: '5s' },
    sessions: { ttl: '30m', maxAge: '12h' },
    globalRateLimit: { limit: 300, window: '1m' },
  };
}
