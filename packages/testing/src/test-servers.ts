import { startRedis, type RedisServerHandle } from './start-redis.js';
import { startRedisCluster, type RedisClusterHandle } from './start-redis-cluster.js';

/** Environment variables through which the jest global setup hands servers to tests. */
export const TEST_REDIS_URL_ENV = 'CACHET_TEST_REDIS_URL';
export const TEST_CLUSTER_NODES_ENV = 'CACHET_TEST_CLUSTER_NODES';

export interface ClusterNodeAddress {
  host: string;
  port: number;
}

/** URL of the standalone server shared by the whole test run. */
export function testRedisUrl(): string {
  const url = process.env[TEST_REDIS_URL_ENV] ?? process.env.REDIS_URL;
  if (!url) {
    throw new Error(
      `No test Redis: ${TEST_REDIS_URL_ENV} is not set. Add "globalSetup": "@cachet/testing/jest-global-setup" ` +
        'to your jest config, or set REDIS_URL.',
    );
  }
  return url;
}

/** Seed nodes of the cluster shared by the whole test run. */
export function testClusterNodes(): ClusterNodeAddress[] {
  const raw = process.env[TEST_CLUSTER_NODES_ENV] ?? process.env.REDIS_CLUSTER_NODES;
  if (!raw) throw new Error(`No test Redis Cluster: ${TEST_CLUSTER_NODES_ENV} is not set; see testRedisUrl().`);
  return raw.split(',').map((address) => {
    const [host, port] = address.trim().split(':');
    return { host: host!, port: Number(port) };
  });
}

export interface SharedTestServers {
  redis?: RedisServerHandle;
  cluster?: RedisClusterHandle;
  stop(): Promise<void>;
}

/**
 * Starts one standalone server and one 3-master cluster (unless REDIS_URL /
 * REDIS_CLUSTER_NODES point at existing ones) and exports their addresses.
 */
export async function startSharedTestServers(): Promise<SharedTestServers> {
  const redis = process.env.REDIS_URL ? undefined : await startRedis();
  let cluster: RedisClusterHandle | undefined;
  try {
    cluster = process.env.REDIS_CLUSTER_NODES ? undefined : await startRedisCluster({ masters: 3 });
  } catch (error) {
    await redis?.stop();
    throw error;
  }
  process.env[TEST_REDIS_URL_ENV] = redis?.url ?? process.env.REDIS_URL;
  process.env[TEST_CLUSTER_NODES_ENV] =
    cluster?.nodes.map((node) => `${node.host}:${node.port}`).join(',') ?? process.env.REDIS_CLUSTER_NODES;
  return {
    redis,
    cluster,
    async stop() {
      await Promise.all([redis?.stop(), cluster?.stop()]);
    },
  };
}
