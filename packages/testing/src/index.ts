export { startRedis, type StartRedisOptions, type RedisServerHandle } from './start-redis.js';
export {
  startRedisCluster,
  type StartRedisClusterOptions,
  type RedisClusterHandle,
  type ClusterNodeHandle,
  type ClusterNodeRef,
} from './start-redis-cluster.js';
export {
  startRedisSentinel,
  type StartRedisSentinelOptions,
  type RedisSentinelHandle,
  type SentinelAddress,
  type SentinelDataNode,
} from './start-redis-sentinel.js';
export type { RedisAclUser } from './acl-users.js';
export type { TlsCertificates } from './tls-certificates.js';
export { RedisServerNotFoundError } from './redis-binary.js';
export { freePort } from './free-port.js';
export {
  testRedisUrl,
  testClusterNodes,
  startSharedTestServers,
  TEST_REDIS_URL_ENV,
  TEST_CLUSTER_NODES_ENV,
  type ClusterNodeAddress,
  type SharedTestServers,
} from './test-servers.js';
export {
  startFaultProxy,
  type StartFaultProxyOptions,
  type FaultProxy,
  type FaultProxyTarget,
  type FaultProxyStats,
} from './consistency/fault-proxy.js';
export {
  startClusterFaultProxy,
  type ClusterFaultProxy,
  type ClusterNatMap,
} from './consistency/cluster-fault-proxy.js';
export { checkConsistency, assertConsistent, ConsistencyViolationError } from './consistency/check-consistency.js';
export type { CheckConsistencyOptions } from './consistency/check-consistency.options.js';
export {
  formatReport,
  formatViolation,
  type ConsistencyReport,
  type ModeReport,
  type BusLagSummary,
} from './consistency/consistency-report.js';
export type { Violation, ViolationKind } from './consistency/history.types.js';
export type { Topology } from './consistency/cell-mode.js';
export { waitUntil } from './wait-until.js';
export { sleep } from './sleep.js';
export { uniqueNamespace } from './unique-namespace.js';
export { describeStoreContract, type OpenedStore } from './contracts/store-contract.js';
export { entryStoreContract } from './contracts/entry-store.contract.js';
export { lockStoreContract } from './contracts/lock-store.contract.js';
export { queueStoreContract } from './contracts/queue-store.contract.js';
export { rateLimitStoreContract } from './contracts/rate-limit-store.contract.js';
export { messageBusContract } from './contracts/message-bus.contract.js';
export type { ContractTestApi } from './contracts/contract-test-api.js';
