/** What one Redis master reports, as `inspectRedis` reads it. */
export interface RedisNodeFacts {
  /** `host:port` as the client reached it. */
  address: string;
  /** `redis_version` (Valkey reports the Redis version it is compatible with). */
  version: string;
  /** `'valkey'` when the server says so, `'redis'` otherwise. */
  server: 'redis' | 'valkey';
  /** Bytes; 0 means no limit. */
  maxmemory: number;
  maxmemoryPolicy: string;
  usedMemory: number;
  usedMemoryPeak: number;
  memFragmentationRatio: number;
  aofEnabled: boolean;
  /** `save` is configured; `undefined` when CONFIG GET is not allowed (many managed services). */
  rdbEnabled: boolean | undefined;
  connectedClients: number;
  connectedReplicas: number;
  /** Keys in db 0, and how many of them carry a TTL. */
  keys: number;
  keysWithTtl: number;
  /** Server-wide since start (or CONFIG RESETSTAT): every client's reads, not only Cachet's. */
  keyspaceHits: number;
  keyspaceMisses: number;
  evictedKeys: number;
  expiredKeys: number;
  rejectedConnections: number;
  opsPerSecond: number;
  uptimeSeconds: number;
  /** Redis `TIME` minus this process's clock (ms, measured at the midpoint of the round trip). */
  clockOffsetMs: number;
  /** Cluster only: `cluster-require-full-coverage`; `undefined` on standalone or when CONFIG GET is not allowed. */
  clusterRequireFullCoverage?: boolean;
}

export type RedisWarningCode =
  | 'eviction-policy'
  | 'no-persistence'
  | 'old-version'
  | 'cluster-without-replicas'
  | 'cluster-full-coverage'
  | 'clock-skew'
  | 'noeviction-full'
  | 'config-unreadable';

export interface RedisWarning {
  code: RedisWarningCode;
  /** `warning`: can lose data or break a guarantee; `info`: worth knowing. */
  severity: 'warning' | 'info';
  /** Which node (`host:port`), when it concerns one. */
  node?: string;
  /** What is wrong, why it matters to Cachet, and what to do. */
  message: string;
}

export interface RedisInspection {
  mode: 'standalone' | 'cluster';
  /** Every master (one on standalone and Sentinel). */
  nodes: RedisNodeFacts[];
  /** Cluster only: replicas per master (`CLUSTER NODES`). */
  replicasPerMaster?: Record<string, number>;
  warnings: RedisWarning[];
}

export interface InspectRedisOptions {
  /** Write-behind queues live in this Redis: persistence and eviction then matter for durability. */
  writeBehind?: boolean;
  /** Largest tolerated difference between node clocks (Cluster). Default 1000 ms. */
  maxClockSkewMs?: number;
}
