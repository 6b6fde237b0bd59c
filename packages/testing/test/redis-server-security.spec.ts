import { Redis } from 'ioredis';
import { startRedis } from '@cachet/testing';

const quiet = { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true } as const;

/** ioredis reports a refused connection as "Connection is closed"; the cause arrives as an 'error' event. */
async function connectError(client: Redis): Promise<string> {
  const firstError = new Promise<string>((resolve) => client.once('error', (error) => resolve(error.message)));
  client.on('error', () => undefined);
  await client.connect().catch(() => undefined);
  const message = await firstError;
  client.disconnect();
  return message;
}

describe('startRedis with ACL users', () => {
  it('authenticates a named user and refuses a wrong password; requirePassword turns the default user off', async () => {
    const server = await startRedis({ users: [{ name: 'app', password: 's3cret' }], requirePassword: true });
    try {
      const app = new Redis({ host: server.host, port: server.port, username: 'app', password: 's3cret', ...quiet });
      await app.connect();
      await expect(app.call('ACL', 'WHOAMI')).resolves.toBe('app');
      await app.set('k', 'v');
      app.disconnect();

      const wrong = new Redis({ host: server.host, port: server.port, username: 'app', password: 'nope', ...quiet });
      await expect(connectError(wrong)).resolves.toMatch(/WRONGPASS/);

      const anonymous = new Redis({ host: server.host, port: server.port, enableReadyCheck: false, ...quiet });
      await anonymous.connect();
      await expect(anonymous.get('k')).rejects.toThrow(/NOAUTH/);
      anonymous.disconnect();
    } finally {
      await server.stop();
    }
  });

  it('applies per-user rules: a user limited to app:* keys is refused other keys', async () => {
    const server = await startRedis({
      users: [{ name: 'scoped', password: 'pw', rules: ['~app:*', '+@all'] }],
    });
    try {
      const scoped = new Redis({ host: server.host, port: server.port, username: 'scoped', password: 'pw', ...quiet });
      await scoped.connect();
      await scoped.set('app:one', '1');
      await expect(scoped.set('other:one', '1')).rejects.toThrow(/NOPERM/);
      scoped.disconnect();
      // The default user stays open unless requirePassword is set.
      const anonymous = new Redis(server.url);
      await expect(anonymous.get('app:one')).resolves.toBe('1');
      anonymous.disconnect();
    } finally {
      await server.stop();
    }
  });
});

describe('startRedis with TLS', () => {
  it('listens only on TLS with a throwaway CA that clients trust', async () => {
    const server = await startRedis({ tls: true });
    try {
      expect(server.url).toBe(`rediss://127.0.0.1:${server.port}`);
      expect(server.tls?.ca).toContain('BEGIN CERTIFICATE');
      const trusted = new Redis({ host: server.host, port: server.port, tls: { ca: server.tls!.ca }, ...quiet });
      await trusted.connect();
      await expect(trusted.ping()).resolves.toBe('PONG');
      trusted.disconnect();

      // Without the CA the certificate is rejected; in clear text the port does not speak RESP.
      const untrusted = new Redis({ host: server.host, port: server.port, tls: {}, ...quiet });
      await expect(connectError(untrusted)).resolves.toMatch(/certificate/i);
      const plain = new Redis({ host: server.host, port: server.port, commandTimeout: 500, ...quiet });
      plain.on('error', () => undefined);
      await expect(plain.connect().then(() => plain.ping())).rejects.toThrow();
      plain.disconnect();
    } finally {
      await server.stop();
    }
  });

  it('restart() comes back on TLS', async () => {
    const server = await startRedis({ tls: true, appendOnly: true });
    try {
      const options = { host: server.host, port: server.port, tls: { ca: server.tls!.ca }, ...quiet };
      const before = new Redis(options);
      await before.connect();
      await before.set('durable', '1');
      before.disconnect();
      await server.kill();
      await server.restart();
      const after = new Redis(options);
      await after.connect();
      await expect(after.get('durable')).resolves.toBe('1');
      after.disconnect();
    } finally {
      await server.stop();
    }
  });
});
