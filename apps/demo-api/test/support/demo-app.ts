import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { testRedisUrl } from '@cachet/testing';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { AppModule } from '../../src/app.module.js';
import type { DemoConfig } from '../../src/config/demo-config.js';
import { DATABASE, type Database } from '../../src/database/database.js';

export type DatabaseKind = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when DATABASE_URL is set (CI sets it). */
export const DATABASES: DatabaseKind[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface DemoApp {
  app: INestApplication;
  server: ReturnType<INestApplication['getHttpServer']>;
  db: Database;
  config: DemoConfig;
  get<T>(token: unknown): T;
  close(): Promise<void>;
}

/**
 * The whole demo on the run's test Redis, with its own namespace (tests never
 * see each other's keys) and, on PostgreSQL, its own schema, dropped on close.
 */
export async function startDemoApp(kind: DatabaseKind, overrides: Partial<DemoConfig> = {}): Promise<DemoApp> {
  const suffix = randomBytes(4).toString('hex');
  const schema = `demo_e2e_${suffix}`;
  const databaseUrl = process.env.DATABASE_URL;
  if (kind === 'postgres' && !databaseUrl) throw new Error('DATABASE_URL is not set');
  const config: DemoConfig = {
    port: 0,
    host: '127.0.0.1',
    redisUrl: testRedisUrl(),
    store: 'redis',
    namespace: `demo-e2e-${suffix}`,
    database: kind === 'postgres' ? { kind, url: databaseUrl!, schema } : { kind },
    seed: { users: 50, products: 200, players: 30 },
    quotes: { latencyMs: 300, ttl: '5s' },
    sessions: { ttl: '30m', maxAge: '12h' },
    globalRateLimit: { limit: 1000, window: '1m' },
    ...overrides,
  };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  return {
    app,
    server: app.getHttpServer(),
    db: app.get<Database>(DATABASE),
    config,
    get: <T>(token: unknown) => app.get<T>(token as never),
    async close() {
      await app.close();
      if (kind === 'postgres') await dropSchema(databaseUrl!, schema);
    },
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
