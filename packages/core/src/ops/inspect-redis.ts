import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from '../store/redis/redis-connection.js';
import type { CacheLogger } from '../telemetry/logger.js';
import { checkRedis } from './redis-checks.js';
import { clusterTopology, parseInfo, parseKeyspaceLine } from './redis-info.js';
import type { InspectRedisOptions, RedisInspection, RedisNodeFacts } from './redis-inspection.types.js';

/**
 * Reads what an operator should know about the Redis behind a cache — version,
 * memory, eviction policy, persistence, replicas, clocks, hit and eviction
 * figures — and returns it with warnings for settings that break Cachet's
 * guarantees. Read-only: INFO, TIME, CONFIG GET (when allowed), CLUSTER NODES.
 *
 * ```ts
 * const { warnings, nodes } = await inspectRedis(redis, { writeBehind: true });
 * for (const warning of warnings) logger.warn(warning.message);
 * ```
 */
export async function inspectRedis(client: RedisClient, options: InspectRedisOptions = {}): Promise<RedisInspection> {
  if (client instanceof Cluster) {
    const masters = client.nodes('master');
    const nodes = await Promise.all(
      masters.map(async (node) => ({
        ...(await readNode(node)),
        clusterRequireFullCoverage: await readCoverage(node),
      })),
    );
    const topology = clusterTopology(String(await masters[0]!.call('CLUSTER', 'NODES')));
    const replicasPerMaster = Object.fromEntries(topology.map((master) => [master.address, master.replicas]));
    const inspection = { mode: 'cluster' as const, nodes, replicasPerMaster };
    return { ...inspection, warnings: checkRedis(inspection, options) };
  }
  const inspection = { mode: 'standalone' as const, nodes: [await readNode(client)] };
  return { ...inspection, warnings: checkRedis(inspection, options) };
}

/** `inspectRedis`, logging each warning once; never throws (a startup check must not stop an app). */
export async function warnAboutRedis(
  client: RedisClient,
  logger: CacheLogger,
  options: InspectRedisOptions = {},
): Promise<RedisInspection | undefined> {
  try {
    const inspection = await inspectRedis(client, options);
    for (const warning of inspection.warnings) {
      if (warning.severity === 'warning') logger.warn(warning.message);
      else logger.log(warning.message);
    }
    return inspection;
  } catch (error) {
    logger.warn(`Could not inspect Redis at startup (${(error as Error).message}); continuing without the checks`);
    return undefined;
  }
}

async function readNode(node: Redis): Promise<RedisNodeFacts> {
  const sent = Date.now();
  const [infoText, time] = await Promise.all([node.info(), node.time()]);
  const received = Date.now();
  const info = parseInfo(infoText);
  const number = (field: string) => Number(info.get(field) ?? 0);
  const redisNow = Number(time[0]) * 1000 + Number(time[1]) / 1000;
  const keyspace = parseKeyspaceLine(info.get('db0'));
  return {
    address: `${node.options.host ?? 'localhost'}:${node.options.port ?? 6379}`,
    version: info.get('redis_version') ?? '0.0.0',
    server: info.has('valkey_version') || info.get('server_name') === 'valkey' ? 'valkey' : 'redis',
    maxmemory: number('maxmemory'),
    maxmemoryPolicy: info.get('maxmemory_policy') ?? 'unknown',
    usedMemory: number('used_memory'),
    usedMemoryPeak: number('used_memory_peak'),
    memFragmentationRatio: number('mem_fragmentation_ratio'),
    aofEnabled: info.get('aof_enabled') === '1',
    rdbEnabled: await readSaveConfig(node),
    connectedClients: number('connected_clients'),
    connectedReplicas: number('connected_slaves'),
    keys: keyspace.keys,
    keysWithTtl: keyspace.expires,
    keyspaceHits: number('keyspace_hits'),
    keyspaceMisses: number('keyspace_misses'),
    evictedKeys: number('evicted_keys'),
    expiredKeys: number('expired_keys'),
    rejectedConnections: number('rejected_connections'),
    opsPerSecond: number('instantaneous_ops_per_sec'),
    uptimeSeconds: number('uptime_in_seconds'),
    clockOffsetMs: Math.round(redisNow - (sent + received) / 2),
  };
}

async function readCoverage(node: Redis): Promise<boolean | undefined> {
  try {
    const reply = (await node.config('GET', 'cluster-require-full-coverage')) as string[];
    return reply[1] === undefined ? undefined : reply[1] === 'yes';
  } catch {
    return undefined;
  }
}

/** `undefined` when CONFIG is renamed or forbidden (ElastiCache, Memorystore, ACL users without +config). */
async function readSaveConfig(node: Redis): Promise<boolean | undefined> {
  try {
    const reply = (await node.config('GET', 'save')) as string[];
    return (reply[1] ?? '').trim() !== '';
  } catch {
    return undefined;
  }
}
