import { Redis } from 'ioredis';
import { startRedisSentinel, type RedisSentinelHandle } from '@cachet/testing';

describe('startRedisSentinel', () => {
  let deployment: RedisSentinelHandle;

  beforeAll(async () => {
    deployment = await startRedisSentinel({ masterName: 'cachet-test' });
  }, 60_000);

  afterAll(async () => {
    await deployment?.stop();
  });

  it('serves a master through the sentinels, and a failover promotes the replica with the data', async () => {
    expect(deployment.sentinels).toHaveLength(3);
    expect(deployment.nodes).toHaveLength(2);
    const initial = await deployment.master();
    expect(initial.port).toBe(deployment.nodes[0]!.port);

    const client = new Redis({ sentinels: deployment.sentinels, name: deployment.masterName });
    client.on('error', () => undefined);
    const direct = new Redis({ host: '127.0.0.1', port: deployment.nodes[1]!.port });
    try {
      await client.set('sentinel:k', 'v1');
      await client.call('WAIT', '1', '2000');

      const promoted = await deployment.failover();
      expect(promoted.port).toBe(deployment.nodes[1]!.port);
      await expect(deployment.master()).resolves.toEqual(promoted);
      await expect(direct.call('ROLE')).resolves.toEqual(expect.arrayContaining(['master']));
      await expect(direct.get('sentinel:k')).resolves.toBe('v1');

      // The sentinel-aware client follows to the new master: its write lands on the promoted node.
      let landed: string | null = null;
      for (let attempt = 0; attempt < 100 && landed !== 'v2'; attempt++) {
        await client.set('sentinel:k', 'v2').catch(() => undefined);
        landed = await direct.get('sentinel:k');
        if (landed !== 'v2') await new Promise((r) => setTimeout(r, 100));
      }
      expect(landed).toBe('v2');
    } finally {
      direct.disconnect();
      client.disconnect();
    }
  }, 60_000);

  it('stop() leaves no process behind', async () => {
    const own = await startRedisSentinel({ sentinels: 1 });
    await own.stop();
    for (const node of own.nodes) expect(() => process.kill(node.pid, 0)).toThrow();
  }, 60_000);
});
