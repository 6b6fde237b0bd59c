import { Cluster, Redis } from 'ioredis';
import { inspectRedis, warnAboutRedis, type RedisWarning } from '@cachet/core';
import { startRedis, startRedisCluster, testClusterNodes, testRedisUrl } from '@cachet/testing';
import { checkRedis } from '../../src/ops/redis-checks.js';
import type { RedisNodeFacts } from '../../src/ops/redis-inspection.types.js';

const codes = (warnings: RedisWarning[]) => warnings.map((warning) => warning.code);

describe('inspectRedis on a standalone server', () => {
  it('reports figures an operator needs, and no warning for a default server used as a cache', async () => {
    const client = new Redis(testRedisUrl());
    try {
      const prefix = `ops-inspect-${process.pid}`;
      await client.set(`${prefix}:a`, '1', 'PX', 60_000);
      await client.get(`${prefix}:a`);
      await client.get(`${prefix}:missing`);
      const inspection = await inspectRedis(client);
      expect(inspection.mode).toBe('standalone');
      const [node] = inspection.nodes;
      expect(node).toMatchObject({
        server: 'redis',
        maxmemoryPolicy: 'noeviction',
        aofEnabled: false,
        rdbEnabled: false,
      });
      expect(node!.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(node!.keyspaceHits).toBeGreaterThan(0);
      expect(node!.keyspaceMisses).toBeGreaterThan(0);
      expect(node!.keys).toBeGreaterThan(0);
      expect(node!.keysWithTtl).toBeGreaterThan(0);
      expect(node!.usedMemory).toBeGreaterThan(0);
      expect(Math.abs(node!.clockOffsetMs)).toBeLessThan(5_000);
      expect(inspection.warnings).toEqual([]);
      await client.del(`${prefix}:a`);
    } finally {
      client.disconnect();
    }
  });

  it('warns when write-behind runs on a Redis without persistence, and not once AOF is on', async () => {
    const volatileServer = await startRedis();
    const durableServer = await startRedis({ appendOnly: true });
    const volatileClient = new Redis(volatileServer.url);
    const durableClient = new Redis(durableServer.url);
    try {
      const bare = await inspectRedis(volatileClient, { writeBehind: true });
      expect(codes(bare.warnings)).toEqual(['no-persistence']);
      expect(bare.warnings[0]!.message).toMatch(/appendonly yes/);
      const durable = await inspectRedis(durableClient, { writeBehind: true });
      expect(durable.nodes[0]!.aofEnabled).toBe(true);
      expect(durable.warnings).toEqual([]);
    } finally {
      volatileClient.disconnect();
      durableClient.disconnect();
      await Promise.all([volatileServer.stop(), durableServer.stop()]);
    }
  });

  it('warns about an allkeys-* eviction policy, naming write-behind queues when they are used', async () => {
    const server = await startRedis({ args: ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'] });
    const client = new Redis(server.url);
    try {
      const inspection = await inspectRedis(client, { writeBehind: true });
      expect(inspection.nodes[0]!.maxmemory).toBe(64 * 1024 * 1024);
      expect(codes(inspection.warnings)).toEqual(['eviction-policy', 'no-persistence']);
      expect(inspection.warnings[0]!.message).toMatch(/allkeys-lru.*write-behind queues.*volatile-lru/s);
      await client.config('SET', 'maxmemory-policy', 'volatile-lru');
      expect(codes((await inspectRedis(client)).warnings)).toEqual([]);
    } finally {
      client.disconnect();
      await server.stop();
    }
  });

  it('notes when CONFIG is not allowed (an ACL user as on managed Redis) instead of failing', async () => {
    const server = await startRedis({
      users: [{ name: 'app', password: 'pw', rules: ['~*', '&*', '+@all', '-config'] }],
      requirePassword: true,
    });
    const client = new Redis({ host: server.host, port: server.port, username: 'app', password: 'pw' });
    try {
      const inspection = await inspectRedis(client);
      expect(inspection.nodes[0]!.rdbEnabled).toBeUndefined();
      expect(inspection.warnings).toEqual([expect.objectContaining({ code: 'config-unreadable', severity: 'info' })]);
    } finally {
      client.disconnect();
      await server.stop();
    }
  });

  it('warnAboutRedis logs each warning and never throws when Redis cannot be read', async () => {
    const server = await startRedis({ args: ['--maxmemory-policy', 'allkeys-lfu'] });
    const client = new Redis(server.url);
    const lines: string[] = [];
    const logger = {
      log: (m: string) => lines.push(`log ${m}`),
      warn: (m: string) => lines.push(`warn ${m}`),
      error: () => undefined,
    };
    try {
      await warnAboutRedis(client, logger);
      expect(lines).toEqual([expect.stringMatching(/^warn maxmemory-policy is allkeys-lfu/)]);
      await server.stop();
      lines.length = 0;
      const gone = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
      gone.on('error', () => undefined);
      await expect(warnAboutRedis(gone, logger)).resolves.toBeUndefined();
      expect(lines).toEqual([expect.stringMatching(/^warn Could not inspect Redis/)]);
      gone.disconnect();
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});

describe('inspectRedis on Redis Cluster', () => {
  it('reads every master and warns when masters have no replica', async () => {
    const cluster = new Cluster(testClusterNodes());
    try {
      await cluster.ping();
      const inspection = await inspectRedis(cluster);
      expect(inspection.mode).toBe('cluster');
      expect(inspection.nodes).toHaveLength(3);
      expect(Object.values(inspection.replicasPerMaster!)).toEqual([0, 0, 0]);
      expect(codes(inspection.warnings)).toEqual(['cluster-without-replicas', 'cluster-full-coverage']);
      expect(inspection.nodes.map((node) => node.clusterRequireFullCoverage)).toEqual([true, true, true]);
      expect(inspection.warnings[1]).toMatchObject({ severity: 'info' });
      expect(inspection.warnings[1]!.message).toMatch(/every master refuses every key.*full-coverage no/s);
    } finally {
      cluster.disconnect();
    }
  });

  it('is quiet about a cluster with a replica per master that does not require full coverage', async () => {
    const handle = await startRedisCluster({ masters: 3, replicas: 1, requireFullCoverage: false });
    const cluster = new Cluster(handle.nodes.slice(0, 1));
    try {
      await cluster.ping();
      // Replicas report to every node through the cluster bus; wait until the seed node has seen them all.
      let inspection = await inspectRedis(cluster);
      for (let i = 0; i < 50 && Object.values(inspection.replicasPerMaster!).some((n) => n === 0); i++) {
        await new Promise((r) => setTimeout(r, 100));
        inspection = await inspectRedis(cluster);
      }
      expect(Object.values(inspection.replicasPerMaster!)).toEqual([1, 1, 1]);
      expect(inspection.warnings).toEqual([]);
    } finally {
      cluster.disconnect();
      await handle.stop();
    }
  }, 60_000);
});

describe('checkRedis rules that need a server this machine cannot run', () => {
  const node: RedisNodeFacts = {
    address: 'old:6379',
    version: '6.0.16',
    server: 'redis',
    maxmemory: 100,
    maxmemoryPolicy: 'noeviction',
    usedMemory: 95,
    usedMemoryPeak: 95,
    memFragmentationRatio: 1,
    aofEnabled: true,
    rdbEnabled: true,
    connectedClients: 1,
    connectedReplicas: 0,
    keys: 0,
    keysWithTtl: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    evictedKeys: 0,
    expiredKeys: 0,
    rejectedConnections: 0,
    opsPerSecond: 0,
    uptimeSeconds: 1,
    clockOffsetMs: 0,
  };

  it('flags Redis older than 6.2 and a full noeviction server; accepts 6.2.0 and Valkey 8', () => {
    expect(codes(checkRedis({ mode: 'standalone', nodes: [node] }))).toEqual(['noeviction-full', 'old-version']);
    const current = { ...node, version: '6.2.0', usedMemory: 10 };
    expect(checkRedis({ mode: 'standalone', nodes: [current] })).toEqual([]);
    expect(checkRedis({ mode: 'standalone', nodes: [{ ...current, version: '8.0.1', server: 'valkey' }] })).toEqual([]);
  });

  it('flags cluster nodes whose clocks disagree', () => {
    const fast = { ...node, version: '7.0.0', usedMemory: 0, address: 'a:1', clockOffsetMs: 1_500 };
    const slow = { ...fast, address: 'b:1', clockOffsetMs: -200 };
    const warnings = checkRedis({ mode: 'cluster', nodes: [fast, slow], replicasPerMaster: { 'a:1': 1, 'b:1': 1 } });
    expect(codes(warnings)).toEqual(['clock-skew']);
    expect(warnings[0]!.message).toMatch(/1700 ms/);
  });
});
