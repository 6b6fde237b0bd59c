import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { configFromEnv, type DemoConfig } from './config/demo-config.js';
import { probeRedis } from './config/redis-probe.js';
import { startupBanner } from './startup-banner.js';

/**
 * `npm run demo`. Works on a fresh machine: PGlite when DATABASE_URL is unset,
 * and the in-memory store when no Redis answers at REDIS_URL.
 */
async function bootstrap(): Promise<void> {
  const logger = new Logger('Demo');
  const config: DemoConfig = configFromEnv();

  const probe = await probeRedis(config.redisUrl);
  if (!probe.ok) {
    config.store = 'memory';
    logger.warn(noRedisWarning(config.redisUrl, probe.reason));
  }

  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: false });
  app.enableShutdownHooks(); // SIGINT/SIGTERM: drain write-behind queues, then close Redis and the database
  await app.listen(config.port, config.host);
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  console.log(startupBanner(config, `http://${host}:${config.port}`));
}

function noRedisWarning(url: string, reason: string): string {
  const bar = '!'.repeat(78);
  return [
    bar,
    `!! No Redis at ${url} (${reason}).`,
    "!! The demo runs with store: 'memory': one process, nothing shared, nothing durable,",
    '!! and the Redis-only endpoints (leaderboard, profile fields) answer 503.',
    '!! Start Redis and restart the demo for the real thing:',
    '!!   docker run --rm -p 6379:6379 redis:7        (or: docker compose up -d redis)',
    '!!   redis-server                                 (apt-get install redis-server / brew install redis)',
    bar,
  ].join('\n');
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
