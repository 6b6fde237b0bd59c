import { spawnSync } from 'node:child_process';
import { CachetError, ErrorCodes } from '@cachet/core';

/** Thrown when no `redis-server` binary can be found: tests must fail, never skip. */
export class RedisServerNotFoundError extends CachetError {
  readonly code = ErrorCodes.redisServerNotFound;

  constructor(binary: string) {
    super(
      `redis-server not found (looked for "${binary}"). Install it with ` +
        '`sudo apt-get install redis-server` (Debian/Ubuntu) or `brew install redis` (macOS), ' +
        'set REDIS_SERVER_BIN to its path, or point the tests at running servers with ' +
        'REDIS_URL=redis://host:port and REDIS_CLUSTER_NODES=host:port,host:port,host:port.',
    );
  }
}

/** Resolves the redis-server binary: `options.binary`, then REDIS_SERVER_BIN, then PATH. */
export function resolveRedisBinary(binary = process.env.REDIS_SERVER_BIN ?? 'redis-server'): string {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new RedisServerNotFoundError(binary);
  return binary;
}
