import { createCache } from '@cachet/core';
import { onStop, send } from '../harness/child-process.js';
import { bentoPeer, cacheManagerPeer } from '../fixtures/peers.js';
import { sampleValue } from '../fixtures/sample-value.js';

/**
 * One process of the stampede scenario. On `go`, fires `calls` concurrent
 * cold reads of `key` through one library and reports how many times its
 * loader ran here and how long each caller waited.
 * argv: library redisUrl loaderMs
 */
const [library, redisUrl, loaderMsArg] = process.argv.slice(2) as [string, string, string];
const loaderMs = Number(loaderMsArg);
const value = sampleValue();

type Read = (key: string, loader: () => Promise<unknown>) => Promise<unknown>;

function open(): { read: Read; close: () => Promise<void> } {
  if (library === 'cachet') {
    const cache = createCache({ redis: redisUrl, namespace: 'bench-stampede', ttl: '1h' });
    return { read: (key, loader) => cache.getOrSet(key, loader), close: () => cache.close() };
  }
  if (library === 'cache-manager') {
    const peer = cacheManagerPeer(redisUrl, 'bench-stampede-cm');
    return { read: (key, loader) => peer.cache.wrap(key, loader, 3_600_000), close: () => peer.close() };
  }
  if (library === 'bentocache') {
    const peer = bentoPeer(redisUrl, 'bench-stampede-bento');
    return {
      read: (key, loader) => peer.bento.getOrSet({ key, factory: loader, ttl: '1h' }),
      close: () => peer.close(),
    };
  }
  throw new Error(`unknown library ${library}`);
}

const { read, close } = open();
onStop(close);

process.on('message', (message: { type?: string; key?: string; calls?: number }) => {
  if (message?.type !== 'go') return;
  const { key, calls } = message as { key: string; calls: number };
  let loads = 0;
  const loader = async () => {
    loads++;
    await new Promise((resolve) => setTimeout(resolve, loaderMs));
    return value;
  };
  const started = performance.now();
  void Promise.all(
    Array.from({ length: calls }, async () => {
      const t0 = performance.now();
      await read(key, loader);
      return performance.now() - t0;
    }),
  ).then(
    (waits) => send({ type: 'done', loads, waits, elapsedMs: performance.now() - started }),
    (error: unknown) => send({ type: 'error', message: (error as Error).message }),
  );
});

// Warm the connection (and, for Cachet, the wake-up subscription) so the first round measures the stampede, not the connect.
void read(`warm:${process.pid}`, async () => value).then(
  () => send({ type: 'ready' }),
  (error: unknown) => send({ type: 'error', message: (error as Error).message }),
);
