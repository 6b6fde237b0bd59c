import { Cluster } from 'ioredis';
import { startRedisCluster, testClusterNodes } from '@cachet/testing';

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
});
