import { Cluster } from 'ioredis';
import { testClusterNodes } from '@cachet/testing';
import { clusterSlot } from '../../src/store/cluster-slot.js';

describe('clusterSlot', () => {
  it('agrees with CLUSTER KEYSLOT, hash tags and their edge cases included', async () => {
    const keys = [
      'a',
      '{b}after',
      'foo{}{bar}',
      '{}x',
      'x{y',
      'x}{y}',
      '{user1000}.following',
      '',
      'été{ü}',
      'ns:e:{item:1}',
    ];
    for (let i = 0; i < 200; i++) keys.push(`${Math.random().toString(36)}{${i}}${i}`, Math.random().toString(36));
    const client = new Cluster(testClusterNodes());
    try {
      const slots = await Promise.all(keys.map(async (key) => Number(await client.cluster('KEYSLOT', key))));
      expect(keys.map((key) => clusterSlot(key))).toEqual(slots);
    } finally {
      await client.quit();
    }
  });
});
