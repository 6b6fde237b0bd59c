import { createWriteBehind } from '@cachet/core';
import { startRedis, type RedisServerHandle, sleep, uniqueNamespace } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';

/** A background loop logs one line per state change, never one per attempt (guarantee 7's rule, for the flusher). */
describe('write-behind flusher during a Redis outage', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedis();
  }, 60_000);
  afterAll(() => redis.stop());

  it('logs that flushing stopped once, and once that it resumed, however many passes fail', async () => {
    const logger = recordingLogger();
    const wb = createWriteBehind({
      redis: redis.url,
      namespace: uniqueNamespace('wbl'),
      logger,
      commandTimeout: '200ms',
      visibilityTimeout: '1s',
      batch: { size: 10, interval: '20ms' },
    });
    const persisted: string[] = [];
    wb.registerHandler('users', { handle: async (item) => void persisted.push(item.key) });
    await wb.start();
    try {
      await wb.append('users', { key: 'user:1', args: [1] });
      while (persisted.length < 1) await sleep(10);
      const before = logger.lines.length;

      await redis.kill();
      await sleep(4_000); // about 200 passes at a 20 ms interval, each failing
      await redis.restart();
      const deadline = Date.now() + 20_000;
      for (;;) {
        const recorded = await wb.append('users', { key: 'user:2', args: [2] }).then(
          () => true,
          () => false,
        );
        if (recorded) break;
        if (Date.now() > deadline) throw new Error('Redis never came back');
        await sleep(100);
      }
      while (!persisted.includes('user:2') && Date.now() < deadline) await sleep(20);
      expect(persisted).toContain('user:2');
      await sleep(200); // the pass that persisted it has returned

      const outage = logger.lines.slice(before);
      // Stopped, resumed, and at most the lease lost once (it could not be extended): never one line per pass.
      expect(outage.length).toBeLessThanOrEqual(3);
      expect(outage.filter((line) => line.includes('flushing stopped'))).toHaveLength(1);
      expect(outage.filter((line) => line.includes('flushing again'))).toHaveLength(1);
    } finally {
      await wb.close({ timeoutMs: 2_000 });
    }
  }, 60_000);
});
