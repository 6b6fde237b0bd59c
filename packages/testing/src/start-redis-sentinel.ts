import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { resolveRedisBinary } from './redis-binary.js';
import { signal, spawnRedis, stopProcess, type SpawnedRedis } from './redis-process.js';

export interface StartRedisSentinelOptions {
  /** Name the sentinels monitor the master under. Default `'mymaster'`. */
  masterName?: string;
  /** Replicas of the master (at least 1, or there is nothing to fail over to). Default 1. */
  replicas?: number;
  /** Sentinel processes. Default 3. */
  sentinels?: number;
  /** How long a master must be unreachable before it is considered down. Default 1000 ms. */
  downAfterMs?: number;
  binary?: string;
}

export interface SentinelAddress {
  readonly host: string;
  readonly port: number;
}

export interface SentinelDataNode extends SentinelAddress {
  readonly pid: number;
}

export interface RedisSentinelHandle {
  readonly masterName: string;
  /** Pass to ioredis or Cachet as `{ sentinels, name: masterName }`. */
  readonly sentinels: SentinelAddress[];
  /** The data nodes: the initial master first, then its replicas. */
  readonly nodes: SentinelDataNode[];
  /** The master as the sentinels currently see it. */
  master(): Promise<SentinelAddress>;
  /**
   * `SENTINEL FAILOVER`: promotes a replica and resolves with the new master once every
   * sentinel agrees and the old master has been turned into a replica.
   */
  failover(): Promise<SentinelAddress>;
  /** SIGKILLs the current master and resolves with the replica the sentinels elected in its place. */
  killMaster(): Promise<SentinelAddress>;
  stop(): Promise<void>;
}

/**
 * Spawns a real Sentinel deployment on free ports of 127.0.0.1: one master,
 * its replicas, and `redis-server --sentinel` processes monitoring it. Resolves
 * once replication is up and every sentinel knows every replica and every other
 * sentinel, so a failover can start at once.
 */
export async function startRedisSentinel(options: StartRedisSentinelOptions = {}): Promise<RedisSentinelHandle> {
  const masterName = options.masterName ?? 'mymaster';
  const replicaCount = options.replicas ?? 1;
  const sentinelCount = options.sentinels ?? 3;
  if (replicaCount < 1) throw new Error('startRedisSentinel: replicas must be at least 1');
  if (sentinelCount < 1) throw new Error('startRedisSentinel: sentinels must be at least 1');
  const binary = resolveRedisBinary(options.binary);
  const dataNodes: SpawnedRedis[] = [];
  const sentinelNodes: SpawnedRedis[] = [];
  const stopAll = () => Promise.all([...sentinelNodes, ...dataNodes].map((node) => stopProcess(node)));
  try {
    const master = await spawnRedis(binary, await freePort(), []);
    dataNodes.push(master);
    for (let i = 0; i < replicaCount; i++) {
      dataNodes.push(await spawnRedis(binary, await freePort(), ['--replicaof', '127.0.0.1', String(master.port)]));
    }
    await waitForReplication(dataNodes.slice(1));
    const quorum = Math.floor(sentinelCount / 2) + 1;
    for (let i = 0; i < sentinelCount; i++) {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), `cachet-sentinel-${port}-`));
      const configFile = join(dir, 'sentinel.conf');
      writeFileSync(
        configFile,
        [
          `sentinel monitor ${masterName} 127.0.0.1 ${master.port} ${quorum}`,
          `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 1_000}`,
          `sentinel failover-timeout ${masterName} 10000`,
          `sentinel parallel-syncs ${masterName} 1`,
          '',
        ].join('\n'),
      );
      sentinelNodes.push(await spawnRedis(binary, port, ['--sentinel'], dir, { configFile }));
    }
    await waitForDiscovery(sentinelNodes, masterName, replicaCount);
  } catch (error) {
    await stopAll();
    throw error;
  }

  const sentinels = sentinelNodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  const master = () => masterAddress(sentinelNodes[0]!.port, masterName);
  const awaitNewMaster = async (previous: SentinelAddress) => {
    let elected: SentinelAddress | undefined;
    await until(async () => {
      const seen = await Promise.all(sentinelNodes.map((node) => masterAddress(node.port, masterName)));
      const candidate = seen[0]!;
      if (candidate.port === previous.port || seen.some((address) => address.port !== candidate.port)) return false;
      if ((await roleOf(candidate.port)) !== 'master') return false;
      elected = candidate;
      return true;
    }, `a new master for ${masterName}`);
    return elected!;
  };

  return {
    masterName,
    sentinels,
    nodes: dataNodes.map((node) => ({ host: '127.0.0.1', port: node.port, pid: node.pid })),
    master,
    async failover() {
      const previous = await master();
      // A failover refused right after startup or a previous failover ("INPROG", "NOGOODSLAVE") is retried.
      await until(async () => {
        try {
          await withClient(sentinelNodes[0]!.port, (client) => client.call('SENTINEL', 'FAILOVER', masterName));
          return true;
        } catch {
          return false;
        }
      }, `SENTINEL FAILOVER ${masterName} to be accepted`);
      const elected = await awaitNewMaster(previous);
      // Until the sentinels demote it, the old master still accepts writes that the new one never sees.
      await until(async () => (await roleOf(previous.port)) === 'slave', `the old master to become a replica`);
      return elected;
    },
    async killMaster() {
      const previous = await master();
      const node = dataNodes.find((candidate) => candidate.port === previous.port);
      if (!node) throw new Error(`killMaster: no data node on port ${previous.port}`);
      signal(node.pid, 'SIGKILL');
      return awaitNewMaster(previous);
    },
    stop: async () => {
      await stopAll();
    },
  };
}

async function waitForReplication(replicas: SpawnedRedis[]): Promise<void> {
  await until(async () => {
    for (const replica of replicas) {
      const info = await withClient(replica.port, (client) => client.info('replication'));
      if (!info.includes('master_link_status:up')) return false;
    }
    return true;
  }, 'replication links up');
}

async function waitForDiscovery(sentinels: SpawnedRedis[], masterName: string, replicas: number): Promise<void> {
  await until(async () => {
    for (const sentinel of sentinels) {
      const ok = await withClient(sentinel.port, async (client) => {
        const known = (await client.call('SENTINEL', 'REPLICAS', masterName)) as string[][];
        const healthy = known.filter((fields) => !fieldOf(fields, 'flags').includes('down'));
        const peers = (await client.call('SENTINEL', 'SENTINELS', masterName)) as unknown[];
        return healthy.length >= replicas && peers.length >= sentinels.length - 1;
      });
      if (!ok) return false;
    }
    return true;
  }, 'every sentinel to know every replica and every other sentinel');
}

function fieldOf(fields: string[], name: string): string {
  const index = fields.indexOf(name);
  return index >= 0 ? String(fields[index + 1]) : '';
}

async function masterAddress(sentinelPort: number, masterName: string): Promise<SentinelAddress> {
  const reply = (await withClient(sentinelPort, (client) =>
    client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName),
  )) as [string, string] | null;
  if (!reply) throw new Error(`Sentinel on port ${sentinelPort} does not know master ${masterName}`);
  return { host: reply[0], port: Number(reply[1]) };
}

async function roleOf(port: number): Promise<string> {
  try {
    const role = (await withClient(port, (client) => client.call('ROLE'))) as unknown[];
    return String(role[0]);
  } catch {
    return 'unreachable';
  }
}

/** A short-lived control connection that never retries: a dead node is an error, not a hang. */
async function withClient<T>(port: number, action: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1_000,
    commandTimeout: 2_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await action(client);
  } finally {
    client.disconnect();
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await check().catch(() => false);
    if (done) return;
    if (Date.now() > deadline) throw new Error(`Redis Sentinel: timed out waiting for ${what} (${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
