import { Cluster, Redis } from 'ioredis';
import { startClusterFaultProxy, startFaultProxy, testClusterNodes, testRedisUrl, sleep } from '@cachet/testing';

function target(): { host: string; port: number } {
  const url = new URL(testRedisUrl());
  return { host: url.hostname, port: Number(url.port) };
}

function settled<T>(promise: Promise<T>): () => boolean {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  return () => done;
}

describe('startFaultProxy', () => {
  it('forwards commands unchanged, and a delay holds replies back for at least that long, in order', async () => {
    const proxy = await startFaultProxy({ target: target() });
    const client = new Redis({ host: proxy.host, port: proxy.port, lazyConnect: true });
    await client.connect();
    await client.set('fault-proxy:a', '1');
    await expect(client.get('fault-proxy:a')).resolves.toBe('1');

    proxy.delay(300);
    const started = Date.now();
    const replies = await Promise.all([client.incr('fault-proxy:n'), client.incr('fault-proxy:n')]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(replies[1]! - replies[0]!).toBe(1);
    proxy.delay(0);

    await client.del('fault-proxy:a', 'fault-proxy:n');
    client.disconnect();
    await proxy.close();
  });

  it('a stall holds every byte until resume, then delivers them all', async () => {
    const proxy = await startFaultProxy({ target: target() });
    const client = new Redis({ host: proxy.host, port: proxy.port, lazyConnect: true });
    await client.connect();
    proxy.stall();
    const write = client.set('fault-proxy:stall', 'held');
    const done = settled(write);
    await sleep(300);
    expect(done()).toBe(false);
    const direct = new Redis(testRedisUrl());
    await expect(direct.get('fault-proxy:stall')).resolves.toBeNull();
    proxy.resume();
    await expect(write).resolves.toBe('OK');
    await expect(direct.get('fault-proxy:stall')).resolves.toBe('held');
    await direct.del('fault-proxy:stall');
    direct.disconnect();
    client.disconnect();
    await proxy.close();
  });

  it('dropConnections cuts open links; the client sees the error and reconnects through the proxy', async () => {
    const proxy = await startFaultProxy({ target: target() });
    const client = new Redis({ host: proxy.host, port: proxy.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    proxy.stall();
    const inFlight = client.get('fault-proxy:drop');
    await sleep(50);
    proxy.dropConnections();
    await expect(inFlight).rejects.toThrow();
    proxy.resume();
    await expect(client.ping()).resolves.toBe('PONG');
    expect(proxy.stats()).toMatchObject({ dropped: 1, open: 1 });
    expect(proxy.stats().accepted).toBeGreaterThanOrEqual(2);
    client.disconnect();
    await proxy.close();
  });
});

describe('startClusterFaultProxy', () => {
  it('routes every slot of one Cluster client through per-node proxies via natMap', async () => {
    const nodes = testClusterNodes();
    const proxies = await startClusterFaultProxy(nodes);
    const client = new Cluster(proxies.startupNodes, { natMap: proxies.natMap, lazyConnect: true });
    await client.connect();
    const keys = Array.from({ length: 30 }, (_, i) => `fault-proxy:{${i}}`);
    await Promise.all(keys.map((key) => client.set(key, 'v')));
    // Every node's proxy carried traffic: no slot bypassed the proxies.
    for (const proxy of proxies.proxies) expect(proxy.stats().accepted).toBeGreaterThanOrEqual(1);

    proxies.stall();
    const held = client.get(keys[0]!);
    const done = settled(held);
    await sleep(300);
    expect(done()).toBe(false);
    proxies.resume();
    await expect(held).resolves.toBe('v');

    await Promise.all(keys.map((key) => client.del(key)));
    client.disconnect();
    await proxies.close();
  });
});
