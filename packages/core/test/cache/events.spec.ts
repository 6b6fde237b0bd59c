import type { CacheEvent } from '@cachet/core';
import { openCache } from '../support/caches.js';
import { sleep } from '@cachet/testing';

describe('cache events', () => {
  it('hits, misses and loads (with key and duration) reach subscribers; unsubscribing stops them', async () => {
    const subject = await openCache('redis');
    const events: CacheEvent[] = [];
    const stop = subject.cache.events.onAny((event) => events.push(event));
    const loads: number[] = [];
    subject.cache.events.on('load', (event) => loads.push(event.durationMs ?? -1));
    await subject.cache.getOrSet('k', async () => {
      await sleep(20);
      return 1;
    });
    await subject.cache.getOrSet('k', async () => 2);
    await subject.cache.invalidateTags('t');
    expect(events.map((event) => event.type)).toEqual(['miss', 'load', 'hit', 'tag-invalidation']);
    expect(events.every((event) => event.namespace === subject.cache.namespace)).toBe(true);
    expect(events[1]).toMatchObject({ type: 'load', key: 'k' });
    expect(loads[0]).toBeGreaterThanOrEqual(15);
    stop();
    await subject.cache.getOrSet('k', async () => 3);
    expect(events).toHaveLength(4);
    await subject.close();
  });

  it('a listener that throws never fails the cache call', async () => {
    const subject = await openCache('memory');
    subject.cache.events.on('miss', () => {
      throw new Error('listener bug');
    });
    await expect(subject.cache.getOrSet('k', async () => 'v')).resolves.toBe('v');
    await subject.close();
  });
});
