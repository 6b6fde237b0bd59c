import { startFaultProxy, type FaultProxy, type FaultProxyTarget } from './fault-proxy.js';

/** ioredis `natMap`: the address a Cluster node announces → the address the client dials instead. */
export type ClusterNatMap = Record<string, { host: string; port: number }>;

export interface ClusterFaultProxy {
  /** One proxy per node, in the order of the nodes given. */
  readonly proxies: FaultProxy[];
  /** Pass as `new Cluster(startupNodes, { natMap })` so every slot routes through a proxy. */
  readonly natMap: ClusterNatMap;
  /** The proxies' addresses, to use as the Cluster's startup nodes. */
  readonly startupNodes: FaultProxyTarget[];
  /** Applies to every node's proxy. */
  delay(ms: number): void;
  stall(): void;
  resume(): void;
  dropConnections(): void;
  close(): Promise<void>;
}

/**
 * Puts a fault proxy in front of every node of a started Cluster and builds the
 * `natMap` that makes one ioredis `Cluster` client use them, so a fault hits one
 * client's links to every node while other clients keep talking to the nodes directly.
 */
export async function startClusterFaultProxy(nodes: readonly FaultProxyTarget[]): Promise<ClusterFaultProxy> {
  const proxies: FaultProxy[] = [];
  try {
    for (const node of nodes) proxies.push(await startFaultProxy({ target: { host: node.host, port: node.port } }));
  } catch (error) {
    await Promise.all(proxies.map((proxy) => proxy.close()));
    throw error;
  }
  const natMap: ClusterNatMap = {};
  for (const proxy of proxies)
    natMap[`${proxy.target.host}:${proxy.target.port}`] = { host: proxy.host, port: proxy.port };
  return {
    proxies,
    natMap,
    startupNodes: proxies.map((proxy) => ({ host: proxy.host, port: proxy.port })),
    delay: (ms) => proxies.forEach((proxy) => proxy.delay(ms)),
    stall: () => proxies.forEach((proxy) => proxy.stall()),
    resume: () => proxies.forEach((proxy) => proxy.resume()),
    dropConnections: () => proxies.forEach((proxy) => proxy.dropConnections()),
    close: async () => {
      await Promise.all(proxies.map((proxy) => proxy.close()));
    },
  };
}
