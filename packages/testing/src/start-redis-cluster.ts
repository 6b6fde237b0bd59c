import { awaitCluster, formCluster } from './cluster-formation.js';
import { freeClusterPort } from './free-port.js';
import { resolveRedisBinary } from './redis-binary.js';
import { signal, spawnRedis, stopProcess, type SpawnedRedis } from './redis-process.js';
import { command } from './resp-command.js';

export interface StartRedisClusterOptions {
  /** Number of masters (default 3, at least 3 for a real cluster). */
  masters?: number;
  /** Replicas per master (0 or 1). */
  replicas?: 0 | 1;
  binary?: string;
  /**
   * `cluster-node-timeout` in ms: how long a silent node goes unanswered before the others mark it failed
   * and its replica takes over. Default 2000; about 1000 makes failover tests quick.
   */
  nodeTimeoutMs?: number;
  /**
   * `cluster-require-full-coverage` (default true, as in Redis): while any slot's master is down, every node
   * answers CLUSTERDOWN for every key. False keeps the other masters serving their own slots.
   */
  requireFullCoverage?: boolean;
}

export interface ClusterNodeHandle {
  readonly host: string;
  readonly port: number;
  /** The running process (a new one after `restartNode`). */
  readonly pid: number;
  /** The role the node was started with; a failover changes the live role, not this. */
  readonly role: 'master' | 'replica';
}

/** A node by its index in `nodes`, or the handle itself. */
export type ClusterNodeRef = number | ClusterNodeHandle;

export interface RedisClusterHandle {
  /** Every node, masters first; pass them to `new Cluster(nodes)`. */
  readonly nodes: ClusterNodeHandle[];
  stop(): Promise<void>;
  /** SIGKILL one node; resolves once the process is gone. Its data directory is kept for `restartNode`. */
  killNode(node: ClusterNodeRef): Promise<void>;
  /**
   * Starts a killed node again on its port and directory: it rejoins from its `nodes.conf` (a master that
   * was failed over comes back as a replica of its successor). Resolves once it reports `cluster_state:ok`
   * and, when it is a replica, `master_link_status:up`.
   */
  restartNode(node: ClusterNodeRef): Promise<void>;
  /** SIGSTOP / SIGCONT one node: a hung server that keeps its sockets open. */
  pauseNode(node: ClusterNodeRef): void;
  resumeNode(node: ClusterNodeRef): void;
  /** Resolves once every running node reports `cluster_state:ok` (e.g. after a failover). */
  waitForClusterOk(timeoutMs?: number): Promise<void>;
}

/**
 * Spawns a real Redis Cluster: cluster-enabled nodes, slots split evenly over
 * the masters, replicas attached, `cluster_state:ok` awaited on every node and,
 * with replicas, every replica in sync (`master_link_status:up`) and known as
 * such by every node, so a master killed right away is failed over.
 */
export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 0;
  if (masters < 3) throw new Error(`startRedisCluster: masters must be at least 3, got ${masters}`);
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 2_000;
  if (!Number.isInteger(nodeTimeoutMs) || nodeTimeoutMs < 100) {
    throw new Error(
      `startRedisCluster: nodeTimeoutMs must be a whole number of ms, at least 100; got ${nodeTimeoutMs}`,
    );
  }
  const binary = resolveRedisBinary(options.binary);
  const args = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'];
  args.push('--cluster-node-timeout', String(nodeTimeoutMs));
  args.push('--cluster-require-full-coverage', options.requireFullCoverage === false ? 'no' : 'yes');
  const total = masters * (1 + replicas);
  const spawned: SpawnedRedis[] = [];
  try {
    for (let i = 0; i < total; i++) spawned.push(await spawnRedis(binary, await freeClusterPort(), args));
    await formCluster(spawned, masters);
  } catch (error) {
    await Promise.all(spawned.map((node) => stopProcess(node)));
    throw error;
  }

  const nodes: ClusterNodeHandle[] = spawned.map((_, index) => ({
    host: '127.0.0.1',
    port: spawned[index]!.port,
    get pid() {
      return spawned[index]!.pid;
    },
    role: index < masters ? 'master' : 'replica',
  }));
  const indexOf = (node: ClusterNodeRef, what: string): number => {
    const index = typeof node === 'number' ? node : nodes.indexOf(node);
    if (!spawned[index]) throw new Error(`${what}: no such node (${typeof node === 'number' ? node : node.port})`);
    return index;
  };
  const running = () => spawned.filter((node) => node.child.exitCode === null && node.child.signalCode === null);
  return {
    nodes,
    stop: async () => {
      await Promise.all(spawned.map((node) => stopProcess(node)));
    },
    async killNode(node) {
      const target = spawned[indexOf(node, 'killNode')]!;
      if (target.child.exitCode !== null || target.child.signalCode !== null) return;
      const exited = new Promise((resolve) => target.child.once('exit', resolve));
      signal(target.pid, 'SIGCONT');
      signal(target.pid, 'SIGKILL');
      await exited;
    },
    async restartNode(node) {
      const index = indexOf(node, 'restartNode');
      const previous = spawned[index]!;
      if (previous.child.exitCode === null && previous.child.signalCode === null) {
        throw new Error(`restartNode: node ${previous.port} is still running; killNode it first`);
      }
      spawned[index] = await spawnRedis(binary, previous.port, args, previous.dir);
      await awaitCluster(
        async () => (await command(previous.port, ['CLUSTER', 'INFO'])).includes('cluster_state:ok'),
        `cluster_state:ok on restarted node ${previous.port}`,
      );
      await awaitCluster(async () => {
        const replication = await command(previous.port, ['INFO', 'replication']);
        return replication.includes('role:master') || replication.includes('master_link_status:up');
      }, `master_link_status:up on restarted node ${previous.port}`);
    },
    pauseNode(node) {
      signal(spawned[indexOf(node, 'pauseNode')]!.pid, 'SIGSTOP');
    },
    resumeNode(node) {
      signal(spawned[indexOf(node, 'resumeNode')]!.pid, 'SIGCONT');
    },
    async waitForClusterOk(timeoutMs = 30_000) {
      await awaitCluster(
        async () => {
          for (const node of running()) {
            if (!(await command(node.port, ['CLUSTER', 'INFO'])).includes('cluster_state:ok')) return false;
          }
          return true;
        },
        'cluster_state:ok on every running node',
        timeoutMs,
      );
    },
  };
}
