import { Redis } from 'ioredis';
import { RedisServerNotFoundError, startRedis, sleep } from '@cachet/testing';

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

describe('no orphans', () => {
  it('a server dies with the process that started it, even when that process is killed with SIGKILL', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const script = fileURLToPath(new URL('./fixtures/start-and-hang.mjs', import.meta.url));
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve) =>
      child.stdout!.once('data', (data: Buffer) => resolve(Number(data.toString()))),
    );
    expect(() => process.kill(pid, 0)).not.toThrow();
    child.kill('SIGKILL');
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      await sleep(20);
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  });
});
