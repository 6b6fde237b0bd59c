import { Redis } from 'ioredis';

/**
 * One PING with a short timeout and no retries: the demo decides at startup
 * whether Redis is there. A library never does this (it fails open instead);
 * the demo does so that `npm run demo` works on a machine without Redis.
 */
export async function probeRedis(url: string, timeoutMs = 1500): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined; // ioredis reports ECONNREFUSED here, and only "Connection is closed" below
  client.on('error', (error: Error) => (lastError = error));
  try {
    await client.connect();
    await client.ping();
    return { ok: true };
  } catch (error) {
    const cause = lastError ?? error;
    return { ok: false, reason: cause instanceof Error ? cause.message : String(cause) };
  } finally {
    client.disconnect();
  }
}
