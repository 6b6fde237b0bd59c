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
}

export interface ClusterNodeHandle {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  readonly role: 'master' | 'replica';
}

export interface RedisClusterHandle {
  /** Every node, masters first; pass them to `new Cluster(nodes)`. */
  readonly nodes: ClusterNodeHandle[];
  stop(): Promise<void>;
  /** SIGKILL one node by index. */
  killNode(index: number): Promise<void>;
}

const SLOTS = 16_384;

/**
 * Spawns a real Redis Cluster: cluster-enabled nodes, slots split evenly over
 * the masters, replicas attached, and `cluster_state:ok` awaited on every node.
 */
export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 0;
  if (masters < 3) throw new Error(`startRedisCluster: masters must be at least 3, got ${masters}`);
  const binary = resolveRedisBinary(options.binary);
  const total = masters * (1 + replicas);
  const spawned: SpawnedRedis[] = [];
  try {
    for (let i = 0; i < total; i++) {
      const port = await freeClusterPort();
      spawned.push(
        await spawnRedis(binary, port, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '2000',
        ]),
      );
    }
    await formCluster(spawned, masters);
  } catch (error) {
    await Promise.all(spawned.map((node) => stopProcess(node)));
    throw error;
  }

  const nodes: ClusterNodeHandle[] = spawned.map((node, index) => ({
    host: '127.0.0.1',
    port: node.port,
    pid: node.pid,
    role: index < masters ? 'master' : 'replica',
  }));
  return {
    nodes,
    stop: async () => {
      await Promise.all(spawned.map((node) => stopProcess(node)));
    },
    async killNode(index) {
      const node = spawned[index];
      if (!node) throw new Error(`killNode: no node at index ${index}`);
      signal(node.pid, 'SIGKILL');
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
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Redis Cluster did not reach ${what} within ${timeoutMs} ms`);
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
