import { Cluster } from 'ioredis';
import { testClusterNodes } from '@cachet/testing';
import { clusterSlot } from '../../src/store/redis/cluster-slot.js';

describe('clusterSlot', () => {
  it('agrees with CLUSTER KEYSLOT, hash tags, empty tags and non-ASCII keys included', async () => {
    const cluster = new Cluster(testClusterNodes());
    try {
      await cluster.ping(); // connects and learns the slot map
      const node = cluster.nodes('master')[0]!;
      const keys = [
        '',
        'a',
        'foo',
        '{user1000}.following',
        'x{}y',
        '{}{a}',
        'a{b',
        'a}b{c}',
        'ns:rl:{é ✓}:fw',
        '{{x}}',
      ];
      for (let i = 0; i < 50; i++) keys.push(`ns:rl:{subject:${i}}:sl`);
      for (const key of keys) expect([key, clusterSlot(key)]).toEqual([key, await node.cluster('KEYSLOT', key)]);
    } finally {
      await cluster.quit();
    }
  });
});
