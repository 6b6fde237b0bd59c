import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';
import { CacheConfigError } from '../../shared/errors.js';

/** Every way a user can point Cachet at Redis. */
export type RedisInput =
  | string
  | RedisOptions
  | { cluster: ClusterNode[]; options?: ClusterOptions }
  | { sentinels: Array<{ host: string; port: number }>; name: string; options?: RedisOptions }
  | Redis
  | Cluster;

export type RedisClient = Redis | Cluster;

export interface ConnectionTuning {
  /** Per-command timeout in ms; a slow Redis becomes a fast error (fail-open). */
  commandTimeoutMs: number;
}

/**
 * The client for `input`, and whether Cachet opened it (and so closes it). A
 * client the user built is used as it is; anything else is validated and
 * opened with Cachet's tuning.
 */
export function openClient(input: RedisInput, tuning: ConnectionTuning): { client: RedisClient; owned: boolean } {
  if (input instanceof Redis || input instanceof Cluster) return { client: input, owned: false };
  const client = createClient(input, tuning);
  // Connection errors surface through the commands that fail (and the breaker's one log line per state
  // change); without a listener ioredis would print a stack trace for every reconnect attempt.
  client.on('error', () => undefined);
  return { client, owned: true };
}

/** QUIT, or a hard disconnect when the connection cannot send it. */
export async function quit(client: RedisClient): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

function createClient(input: Exclude<RedisInput, Redis | Cluster>, tuning: ConnectionTuning): RedisClient {
  const cacheTuning: RedisOptions = {
    commandTimeout: tuning.commandTimeoutMs,
    // Commands issued while reconnecting wait in the offline queue, but never longer than commandTimeout;
    // cache reads do not even wait (the cache skips Redis unless the client is ready), and the breaker
    // stops sending altogether once Redis has failed repeatedly.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    lazyConnect: false,
  };
  if (typeof input === 'string') {
    if (!/^rediss?:\/\//.test(input)) {
      throw new CacheConfigError('redis', input, "a URL such as 'redis://localhost:6379' or 'rediss://host:6380'");
    }
    return new Redis(input, cacheTuning);
  }
  if (typeof input !== 'object' || input === null) {
    throw new CacheConfigError(
      'redis',
      input,
      'a URL, ioredis options, { cluster }, { sentinels, name } or a Redis/Cluster instance',
    );
  }
  if ('cluster' in input) {
    if (!Array.isArray(input.cluster) || input.cluster.length === 0) {
      throw new CacheConfigError('redis.cluster', input.cluster, 'a non-empty list of { host, port } seed nodes');
    }
    return new Cluster(input.cluster, {
      enableAutoPipelining: true,
      enableOfflineQueue: true,
      clusterRetryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
      ...input.options,
      redisOptions: { ...cacheTuning, ...input.options?.redisOptions },
    });
  }
  if ('sentinels' in input && Array.isArray(input.sentinels)) {
    const sentinel = input as {
      sentinels: Array<{ host: string; port: number }>;
      name: string;
      options?: RedisOptions;
    };
    if (typeof sentinel.name !== 'string') {
      throw new CacheConfigError('redis.name', sentinel.name, 'the Sentinel master name, e.g. "mymaster"');
    }
    return new Redis({ ...cacheTuning, ...sentinel.options, sentinels: sentinel.sentinels, name: sentinel.name });
  }
  return new Redis({ ...cacheTuning, ...input });
}
