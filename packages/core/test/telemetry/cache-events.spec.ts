import { CacheEvents, type CacheEvent } from '../../src/telemetry/cache-events.js';
import { CacheCounters, COUNTER_EVENTS } from '../../src/telemetry/cache-stats.js';

describe('CacheEvents', () => {
  it('delivers typed events to listeners of their type and to onAny, until unsubscribed', () => {
    const events = new CacheEvents();
    const loads: number[] = [];
    const everything: CacheEvent[] = [];
    const stopLoads = events.on('load', (event) => loads.push(event.durationMs ?? -1));
    const stopAny = events.onAny((event) => everything.push(event));

    events.emit('load', 'app', { key: 'user:1', durationMs: 12.5 });
    events.emit('miss', 'app', { key: 'user:1' });
    expect(loads).toEqual([12.5]);
    expect(everything.map((event) => [event.type, event.namespace, event.key, event.count])).toEqual([
      ['load', 'app', 'user:1', 1],
      ['miss', 'app', 'user:1', 1],
    ]);
    expect(everything[0]!.at).toBeGreaterThan(0);

    stopLoads();
    stopAny();
    events.emit('load', 'app', { durationMs: 1 });
    expect(loads).toHaveLength(1);
    expect(everything).toHaveLength(2);
    expect(events.has()).toBe(false);
  });

  it('has() tells call sites whether building a detail is worth it', () => {
    const events = new CacheEvents();
    expect(events.has('hit')).toBe(false);
    const stop = events.on('hit', () => undefined);
    expect(events.has('hit')).toBe(true);
    expect(events.has('miss')).toBe(false);
    stop();
    events.onAny(() => undefined);
    expect(events.has('miss')).toBe(true);
  });

  it('a throwing listener never fails the emitter, other listeners still run, and it is reported once', () => {
    const reported: unknown[] = [];
    const events = new CacheEvents((error) => reported.push(error));
    const seen: string[] = [];
    events.on('hit', () => {
      throw new Error('listener bug');
    });
    events.on('hit', (event) => seen.push(event.key ?? ''));
    expect(() => {
      events.emit('hit', 'app', { key: 'a' });
      events.emit('hit', 'app', { key: 'b' });
    }).not.toThrow();
    expect(seen).toEqual(['a', 'b']);
    expect(reported).toHaveLength(1);
    expect((reported[0] as Error).message).toBe('listener bug');
  });
});

describe('CacheCounters feeding CacheEvents', () => {
  it('each increment counts and emits the mapped event with the call site detail', () => {
    const counters = new CacheCounters();
    const seen: CacheEvent[] = [];
    counters.events.onAny((event) => seen.push(event));
    counters.increment('app', 'hits');
    counters.increment('app', 'loads', 1, { key: 'k', durationMs: 40 });
    counters.increment('app', 'tagInvalidations', 2, { tags: ['a', 'b'] });
    counters.breakerChanged('app', 'closed', 'open');

    expect(seen.map((event) => event.type)).toEqual(['hit', 'load', 'tag-invalidation', 'breaker']);
    expect(seen[1]).toMatchObject({ namespace: 'app', key: 'k', durationMs: 40, count: 1 });
    expect(seen[2]).toMatchObject({ count: 2, tags: ['a', 'b'] });
    expect(seen[3]).toMatchObject({ previous: 'closed', state: 'open' });
    const stats = counters.snapshot('app', 'closed');
    expect(stats).toMatchObject({ hits: 1, loads: 1, tagInvalidations: 2 });
  });

  it('maps every counter of stats() to an event type', () => {
    const stats = new CacheCounters().snapshot('app', 'closed');
    const counterNames = Object.entries(stats)
      .filter(([name, value]) => typeof value === 'number' && name !== 'busLagMs')
      .map(([name]) => name);
    const unmapped = counterNames.filter((name) => !(name in COUNTER_EVENTS));
    expect(unmapped).toEqual([]);
  });

  it('counts without listeners and emits nothing for types nobody listens to', () => {
    const counters = new CacheCounters();
    const misses: CacheEvent[] = [];
    counters.events.on('miss', (event) => misses.push(event));
    for (let i = 0; i < 1000; i++) counters.increment('app', 'hits');
    counters.increment('app', 'misses');
    expect(counters.snapshot('app', 'closed').hits).toBe(1000);
    expect(misses).toHaveLength(1);
  });
});
