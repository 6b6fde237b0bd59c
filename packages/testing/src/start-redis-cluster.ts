import { createConnection } from 'node:net';
import { freeClusterPort } from './free-port.js';
import { resolveRedisBinary } from './redis-binary.js';
import { signal, spawnRedis, stopProcess, type SpawnedRedis } from './redis-process.js';

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

const SLOTS = 16_384;

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
      await until(
        async () => (await command(previous.port, ['CLUSTER', 'INFO'])).includes('cluster_state:ok'),
        `cluster_state:ok on restarted node ${previous.port}`,
      );
      await until(async () => {
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
      await until(
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

async function formCluster(nodes: SpawnedRedis[], masters: number): Promise<void> {
  const first = nodes[0]!;
  for (const node of nodes.slice(1)) await command(first.port, ['CLUSTER', 'MEET', '127.0.0.1', String(node.port)]);
  const perMaster = Math.ceil(SLOTS / masters);
  for (let m = 0; m < masters; m++) {
    const start = m * perMaster;
    const end = Math.min(SLOTS - 1, start + perMaster - 1);
    await command(nodes[m]!.port, ['CLUSTER', 'ADDSLOTSRANGE', String(start), String(end)]);
  }
  await until(async () => {
    for (const node of nodes) {
      const known = (await command(node.port, ['CLUSTER', 'NODES'])).trim().split('\n').length;
      if (known < nodes.length) return false;
    }
    return true;
  }, 'every node to know every other node');
  for (let r = masters; r < nodes.length; r++) {
    const master = nodes[(r - masters) % masters]!;
    const masterId = (await command(master.port, ['CLUSTER', 'MYID'])).trim();
    await command(nodes[r]!.port, ['CLUSTER', 'REPLICATE', masterId]);
  }
  await until(async () => {
    for (const node of nodes) {
      if (!(await command(node.port, ['CLUSTER', 'INFO'])).includes('cluster_state:ok')) return false;
    }
    return true;
  }, 'cluster_state:ok on every node');
  const replicas = nodes.length - masters;
  if (replicas === 0) return;
  // A replica that has not synced cannot be promoted, and masters only vote for a replica they know as one.
  await until(async () => {
    for (const node of nodes.slice(masters)) {
      if (!(await command(node.port, ['INFO', 'replication'])).includes('master_link_status:up')) return false;
    }
    return true;
  }, 'master_link_status:up on every replica');
  await until(async () => {
    for (const node of nodes) {
      const lines = (await command(node.port, ['CLUSTER', 'NODES'])).trim().split('\n');
      if (lines.filter((line) => / (myself,)?slave [0-9a-f]{40} /.test(line)).length < replicas) return false;
    }
    return true;
  }, 'every node to know every replica');
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  // A node that is still starting (or refuses a connection for a moment) is a "not yet", not a failure.
  while (!(await check().catch((error: unknown) => ((lastError = error), false)))) {
    if (Date.now() > deadline) {
      const cause = lastError ? ` (last error: ${(lastError as Error).message})` : '';
      throw new Error(`Redis Cluster did not reach ${what} within ${timeoutMs} ms${cause}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One RESP command over a fresh socket; avoids depending on a client for cluster bootstrap. */
function command(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error(`Timed out sending ${args.join(' ')} to port ${port}`));
    });
    socket.once('error', reject);
    socket.once('connect', () =>
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`),
    );
    socket.on('data', (data) => {
      chunks.push(data);
      const reply = parseReply(Buffer.concat(chunks).toString());
      if (reply === undefined) return;
      socket.destroy();
      if (reply instanceof Error) reject(reply);
      else resolve(reply);
    });
  });
}

/** Parses a simple, error or bulk string reply; `undefined` when more bytes are needed. */
function parseReply(text: string): string | Error | undefined {
  const lineEnd = text.indexOf('\r\n');
  if (lineEnd < 0) return undefined;
  const head = text.slice(1, lineEnd);
  switch (text[0]) {
    case '+':
    case ':':
      return head;
    case '-':
      return new Error(head);
    case '$': {
      const length = Number(head);
      if (length < 0) return '';
      const body = Buffer.from(text.slice(lineEnd + 2));
      return body.length >= length + 2 ? body.subarray(0, length).toString() : undefined;
    }
    default:
      return new Error(`Unexpected reply: ${text.slice(0, 40)}`);
  }
}
