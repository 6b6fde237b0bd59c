import { Cluster, Redis } from 'ioredis';
import { monitorCommands, startRedis, startRedisCluster, type RedisServerHandle } from '@cachet/testing';

describe('monitorCommands', () => {
  let server: RedisServerHandle;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedis();
    client = new Redis(server.url);
    await client.ping();
  });
  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('records every command the server receives while fn runs, in order, and what fn resolved with', async () => {
    const counted = await monitorCommands(server, async () => {
      await client.set('a', '1');
      await Promise.all([client.get('a'), client.mget('a', 'b')]);
      return 'done';
    });
    expect(counted.result).toBe('done');
    expect(counted.names).toEqual(['set', 'get', 'mget']);
    expect(counted.commands[0]).toMatchObject({ name: 'set', args: ['a', '1'], node: `127.0.0.1:${server.port}` });
    expect(counted.perNode).toEqual({ [`127.0.0.1:${server.port}`]: 3 });
  });

  it('counts a script as one command and keeps what it ran inside apart', async () => {
    const counted = await monitorCommands(server, () =>
      client.eval("redis.call('SET', KEYS[1], 'x'); return redis.call('GET', KEYS[1])", 1, 'scripted'),
    );
    expect(counted.names).toEqual(['eval']);
    expect(counted.scriptCommands.map((command) => command.name)).toEqual(['set', 'get']);
    expect(counted.scriptCommands.every((command) => command.source === 'lua')).toBe(true);
  });

  it('counts nothing before fn starts or after it settles, and none of its own traffic', async () => {
    await client.set('before', '1');
    const counted = await monitorCommands(server, async () => undefined);
    await client.set('after', '1');
    expect(counted.names).toEqual([]);
  });

  it('starts cleanly while other clients are busy, and sees their commands too', async () => {
    const busy = new Redis(server.url);
    let running = true;
    const traffic = (async () => {
      while (running) await busy.incr('busy');
    })();
    try {
      for (let i = 0; i < 20; i++) {
        const counted = await monitorCommands(server, () => client.set('during', String(i)));
        expect(counted.names.filter((name) => name !== 'incr')).toEqual(['set']);
      }
    } finally {
      running = false;
      await traffic;
      busy.disconnect();
    }
  });

  it('stops its monitors and rethrows when fn throws', async () => {
    const clientsBefore = await connectedClients(client);
    await expect(
      monitorCommands(server, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    let clientsAfter = await connectedClients(client);
    for (let i = 0; i < 50 && clientsAfter !== clientsBefore; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      clientsAfter = await connectedClients(client);
    }
    expect(clientsAfter).toBe(clientsBefore);
  });

  it('on a Cluster, watches every master and counts commands per node', async () => {
    const handle = await startRedisCluster({ masters: 3 }); // its own: the shared one serves other suites meanwhile
    const nodes = handle.nodes;
    const cluster = new Cluster(nodes, { slotsRefreshInterval: 0 });
    try {
      const keys = Array.from({ length: 30 }, (_, i) => `monitor-spread:${i}`);
      await Promise.all(keys.map((key) => cluster.set(key, key)));
      const counted = await monitorCommands(nodes, () => Promise.all(keys.map((key) => cluster.get(key))));
      expect(Object.keys(counted.perNode)).toHaveLength(3);
      expect(Object.values(counted.perNode).reduce((sum, n) => sum + n, 0)).toBe(keys.length);
      for (const master of cluster.nodes('master')) {
        const address = `${master.options.host}:${master.options.port}`;
        expect(counted.perNode[address]).toBe(await master.dbsize()); // one GET per key it holds
      }
    } finally {
      cluster.disconnect();
      await handle.stop();
    }
  }, 60_000);
});

async function connectedClients(client: Redis): Promise<number> {
  return Number(/connected_clients:(\d+)/.exec(await client.info('clients'))![1]);
}
