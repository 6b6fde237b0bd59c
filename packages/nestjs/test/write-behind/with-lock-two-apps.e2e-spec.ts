import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { LockTimeoutError } from '@cachet/core';
import { CacheService } from '../../src/index.js';
import { bootCacheApp } from '../support/test-app.js';
import { uniqueNamespace, sleep } from '@cachet/testing';

describe('CacheService.withLock across two app instances', () => {
  let first: INestApplication;
  let second: INestApplication;

  beforeEach(async () => {
    const namespace = uniqueNamespace('locks');
    first = await bootCacheApp({}, { namespace, lock: { ttl: '2s', wait: '10s' } });
    second = await bootCacheApp({}, { namespace, lock: { ttl: '2s', wait: '10s' } });
  });
  afterEach(async () => {
    await first.close();
    await second.close();
  });

  it('never lets two holders of one lock run at once', async () => {
    const events: string[] = [];
    let inside = 0;
    let most = 0;
    const tokens: number[] = [];
    const run = (app: INestApplication, label: string) =>
      app.get(CacheService).withLock('nightly-report', async ({ fencingToken }) => {
        inside++;
        most = Math.max(most, inside);
        tokens.push(fencingToken);
        events.push(`${label}:in`);
        await sleep(30);
        events.push(`${label}:out`);
        inside--;
      });

    await Promise.all(Array.from({ length: 8 }, (_, i) => run(i % 2 === 0 ? first : second, `${i}`)));
    expect(most).toBe(1);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]!.split(':')[0]).toBe(events[i + 1]!.split(':')[0]);
    }
    expect([...tokens].sort((a, b) => a - b)).toEqual(tokens); // fencing tokens grow in the order holders ran
  });

  it("times out with LockTimeoutError while the other app's holder keeps the lock", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const holder = first.get(CacheService).withLock('import', async () => {
      entered();
      await held;
    });
    await inside;
    await expect(
      second.get(CacheService).withLock('import', async () => 'ran', { wait: '200ms' }),
    ).rejects.toBeInstanceOf(LockTimeoutError);
    release();
    await holder;
    await expect(second.get(CacheService).withLock('import', async () => 'ran')).resolves.toBe('ran');
  });
});
