import { Redis } from 'ioredis';
import { RedisServerNotFoundError, startRedis } from '@cachet/testing';

describe('startRedis', () => {
  it('starts a server on a free port other than 6379 and stops it by pid', async () => {
    const server = await startRedis();
    expect(server.port).not.toBe(6379);
    const client = new Redis(server.url);
    await client.set('k', 'v');
    await expect(client.get('k')).resolves.toBe('v');
    client.disconnect();
    await server.stop();
    expect(() => process.kill(server.pid, 0)).toThrow();
  });

  it('kill() is a SIGKILL crash and restart() brings an AOF server back with its data', async () => {
    const server = await startRedis({ appendOnly: true });
    const client = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    await client.set('durable', '1');
    client.disconnect();
    const oldPid = server.pid;
    await server.kill();
    expect(() => process.kill(oldPid, 0)).toThrow();
    await server.restart();
    const again = new Redis(server.url);
    await expect(again.get('durable')).resolves.toBe('1');
    again.disconnect();
    await server.stop();
  });

  it('pause() makes the server hang and resume() brings it back', async () => {
    const server = await startRedis();
    const client = new Redis(server.url, { commandTimeout: 200, maxRetriesPerRequest: 0 });
    await client.ping();
    server.pause();
    await expect(client.ping()).rejects.toThrow(/timed out/i);
    server.resume();
    await expect(client.ping()).resolves.toBe('PONG');
    client.disconnect();
    await server.stop();
  });

  it('fails with install instructions when redis-server is missing', async () => {
    const attempt = startRedis({ binary: '/nonexistent/redis-server' });
    await expect(attempt).rejects.toBeInstanceOf(RedisServerNotFoundError);
    await expect(attempt).rejects.toThrow(/apt-get install redis-server/);
  });
});
