import { Cluster, Redis } from 'ioredis';
import { startRedisCluster, testClusterNodes, type ClusterNodeHandle, waitUntil } from '@cachet/testing';

describe('startRedisCluster', () => {
  it('the shared cluster reaches cluster_state:ok and stores keys on all three masters', async () => {
    const cluster = new Cluster(testClusterNodes());
    const info = await cluster.cluster('INFO');
    expect(info).toContain('cluster_state:ok');
    const keys = Array.from({ length: 60 }, (_, i) => `spread:${i}`);
    await Promise.all(keys.map((key) => cluster.set(key, key)));
    const masters = cluster.nodes('master');
    expect(masters).toHaveLength(3);
    const perMaster = await Promise.all(masters.map((node) => node.dbsize()));
    for (const count of perMaster) expect(count).toBeGreaterThan(0);
    await Promise.all(keys.map((key) => cluster.del(key)));
    await cluster.quit();
  });

  it('starts and stops a cluster of its own, with replicas, leaving no process behind', async () => {
    const handle = await startRedisCluster({ masters: 3, replicas: 1 });
    expect(handle.nodes.map((node) => node.role)).toEqual([
      'master',
      'master',
      'master',
      'replica',
      'replica',
      'replica',
    ]);
    const client = new Cluster(handle.nodes.slice(0, 1));
    await client.set('{a}x', '1');
    await expect(client.get('{a}x')).resolves.toBe('1');
    await client.quit();
    await handle.stop();
    for (const node of handle.nodes) expect(() => process.kill(node.pid, 0)).toThrow();
  });

  it('resolves only once every replica is in sync and known as a replica by every node', async () => {
    const handle = await startRedisCluster({ masters: 3, replicas: 1, nodeTimeoutMs: 1_000 });
    try {
      for (const node of handle.nodes.slice(3)) {
        expect(await info(node.port, 'replication')).toContain('master_link_status:up');
      }
      for (const node of handle.nodes) {
        const client = new Redis(node.port, '127.0.0.1');
        const lines = String(await client.cluster('NODES'))
          .trim()
          .split('\n');
        client.disconnect();
        expect(lines.filter((line) => / (myself,)?slave [0-9a-f]{40} /.test(line))).toHaveLength(3);
      }
    } finally {
      await handle.stop();
    }
  }, 60_000);

  it('fails a killed master over to its replica, and a restarted master rejoins as a replica', async () => {
    const handle = await startRedisCluster({ masters: 3, replicas: 1, nodeTimeoutMs: 1_000 });
    try {
      const [master, , , replica] = handle.nodes as [ClusterNodeHandle, unknown, unknown, ClusterNodeHandle];
      const firstPid = master.pid;
      await handle.killNode(master);
      expect(() => process.kill(firstPid, 0)).toThrow();
      await waitUntil(async () => (await info(replica.port, 'replication')).includes('role:master'));
      await handle.waitForClusterOk();
      const client = new Cluster([handle.nodes[1]!]);
      await client.set('{b}after', '1'); // slot 3300: in the killed master's range, now its replica's
      await expect(client.get('{b}after')).resolves.toBe('1');
      await client.quit();

      await handle.restartNode(master);
      expect(master.pid).not.toBe(firstPid);
      const replication = await info(master.port, 'replication');
      expect(replication).toContain('role:slave');
      expect(replication).toContain('master_link_status:up');
      await handle.waitForClusterOk();
    } finally {
      await handle.stop();
    }
    for (const node of handle.nodes) expect(() => process.kill(node.pid, 0)).toThrow();
  }, 90_000);
});

async function info(port: number, section: string): Promise<string> {
  const client = new Redis(port, '127.0.0.1');
  try {
    return await client.info(section);
  } finally {
    client.disconnect();
  }
}
