import { uniqueNamespace } from '@cachet/testing';
import { SpanStatusCode } from '@opentelemetry/api';
import { createCache, type Cache } from '@cachet/core';
import { openStore, type StoreFixture } from '../support/stores.js';
import { recordingLogger } from '../support/caches.js';
import { otelHarness, parentOf, valueAt, type OtelHarness } from './otel-harness.js';

describe('OpenTelemetry: cache reads, loads and lease waits (Redis)', () => {
  let otel: OtelHarness;
  let fixture: StoreFixture;
  const caches: Cache[] = [];

  beforeAll(async () => {
    otel = otelHarness();
    fixture = openStore('redis');
    await fixture.store.ready(10_000);
  });
  afterAll(async () => {
    await fixture.close();
    await otel.shutdown();
  });
  beforeEach(() => otel.reset());
  afterEach(async () => {
    for (const cache of caches.splice(0)) await cache.close();
  });

  function cache(options: Parameters<typeof createCache>[0] = {}): Cache {
    const created = createCache({
      namespace: uniqueNamespace('otel'),
      logger: recordingLogger(),
      telemetry: otel.telemetry,
      ...options,
      store: fixture.store,
    });
    caches.push(created);
    return created;
  }

  it('a miss is a read span with a load span under it, both under the caller’s active span; a hit has no load', async () => {
    const subject = cache();
    await otel.tracer.startActiveSpan('request', async (request) => {
      await subject.getOrSet('user:1', async () => ({ name: 'Ada' }));
      await subject.getOrSet('user:1', async () => ({ name: 'never loaded' }));
      request.end();
    });
    const [request] = otel.named('request');
    const reads = otel.named('cachet.cache.read');
    const loads = otel.named('cachet.cache.load');
    expect(reads.map((span) => span.attributes['cachet.outcome'])).toEqual(['miss', 'hit']);
    expect(loads).toHaveLength(1);
    for (const read of reads) {
      expect(parentOf(read)).toBe(request!.spanContext().spanId);
      expect(read.spanContext().traceId).toBe(request!.spanContext().traceId);
      expect(read.attributes).toMatchObject({ 'cachet.namespace': subject.namespace, 'cachet.operation': 'getOrSet' });
      expect(read.status.code).toBe(SpanStatusCode.UNSET);
    }
    expect(parentOf(loads[0]!)).toBe(reads[0]!.spanContext().spanId);
    expect(loads[0]!.attributes).toEqual({ 'cachet.namespace': subject.namespace });
  });

  it('never records the key unless recordKeys is on', async () => {
    const quiet = cache();
    await quiet.getOrSet('email:ada@example.com', async () => 1);
    await quiet.get('email:ada@example.com');
    for (const span of otel.spans()) {
      expect(Object.keys(span.attributes)).not.toContain('cachet.key');
      expect(JSON.stringify(span.attributes)).not.toContain('ada@example.com');
    }
    otel.reset();
    const keyed = cache({ telemetry: { ...otel.telemetry, recordKeys: true } });
    await keyed.getOrSet('email:ada@example.com', async () => 1);
    expect(otel.spans().map((span) => span.attributes['cachet.key'])).toEqual([
      'email:ada@example.com', // the load ends first
      'email:ada@example.com',
    ]);
  });

  it('a loader that throws: the load span and the read span carry the error, and it propagates', async () => {
    const subject = cache();
    const failure = new Error('database down');
    await expect(
      subject.getOrSet('broken', async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    const [load] = otel.named('cachet.cache.load');
    const [read] = otel.named('cachet.cache.read');
    for (const span of [load!, read!]) {
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'database down' });
      expect(span.events.map((event) => event.name)).toEqual(['exception']);
    }
    expect(parentOf(load!)).toBe(read!.spanContext().spanId);
    expect(read!.attributes['cachet.outcome']).toBeUndefined();
    const loadDurations = await otel.points('cachet.cache.load.duration');
    expect(valueAt(loadDurations, { 'cachet.namespace': subject.namespace, 'cachet.outcome': 'error' })).toMatchObject({
      count: 1,
    });
    const reads = await otel.points('cachet.cache.read.duration');
    expect(valueAt(reads, { 'cachet.namespace': subject.namespace, 'cachet.outcome': 'error' })).toMatchObject({
      count: 1,
    });
  });

  it('the loader runs inside its load span: spans it starts nest under it', async () => {
    const subject = cache();
    await subject.getOrSet('nested', () =>
      otel.tracer.startActiveSpan('db.query', async (query) => {
        query.end();
        return 42;
      }),
    );
    const [load] = otel.named('cachet.cache.load');
    const [query] = otel.named('db.query');
    expect(parentOf(query!)).toBe(load!.spanContext().spanId);
  });

  it('get: hit and miss outcomes, and l1-hit when the in-process tier answers', async () => {
    const subject = cache({ l1: { maxEntries: 100, ttl: '10s' } });
    expect(await subject.get('absent')).toBeUndefined();
    await subject.set('present', 'value');
    // The first reads start the invalidation-bus subscription; L1 fills once it listens.
    let outcome: unknown;
    for (let i = 0; i < 50 && outcome !== 'l1-hit'; i++) {
      otel.reset();
      expect(await subject.get('present')).toBe('value');
      outcome = otel.named('cachet.cache.read')[0]!.attributes['cachet.outcome'];
      if (outcome !== 'l1-hit') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(outcome).toBe('l1-hit');
    const reads = await otel.points('cachet.cache.read.duration');
    const count = (result: string) =>
      (
        valueAt(reads, {
          'cachet.namespace': subject.namespace,
          'cachet.operation': 'get',
          'cachet.outcome': result,
        }) as { count: number } | undefined
      )?.count;
    expect(count('miss')).toBe(1);
    expect(count('l1-hit')).toBe(1);
    expect(count('hit')).toBeGreaterThanOrEqual(1);
  });

  it('a caller waiting on another instance’s lease: a lease_wait span under its read, ended by the landing value', async () => {
    const namespace = uniqueNamespace('otel-lease');
    const holder = cache({ namespace });
    const waiter = cache({ namespace });
    let release!: () => void;
    let started!: () => void;
    const loaderStarted = new Promise<void>((resolve) => (started = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = holder.getOrSet('hot', async () => {
      started();
      await gate;
      return 'from holder';
    });
    await loaderStarted;
    let waiterLoads = 0;
    const second = otel.tracer.startActiveSpan('waiting request', async (span) => {
      const value = await waiter.getOrSet('hot', async () => {
        waiterLoads++;
        return 'from waiter';
      });
      span.end();
      return value;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    expect(await first).toBe('from holder');
    expect(await second).toBe('from holder');
    expect(waiterLoads).toBe(0);

    const [request] = otel.named('waiting request');
    const waiterRead = otel
      .named('cachet.cache.read')
      .find((span) => parentOf(span) === request!.spanContext().spanId)!;
    const [wait] = otel.named('cachet.cache.lease_wait');
    expect(waiterRead.attributes['cachet.outcome']).toBe('hit');
    expect(parentOf(wait!)).toBe(waiterRead.spanContext().spanId);
    expect(wait!.attributes).toMatchObject({ 'cachet.outcome': 'hit', 'cachet.lease_wait.wake_ups': 1 });
    const waits = await otel.points('cachet.cache.lease_wait.duration');
    const histogram = valueAt(waits, { 'cachet.namespace': namespace, 'cachet.outcome': 'hit' }) as { sum: number };
    expect(histogram).toMatchObject({ count: 1 });
    expect(histogram.sum).toBeGreaterThan(0.05);
  });

  it('reports the stats() counters as OpenTelemetry counters, read at collection time', async () => {
    const subject = cache();
    for (let i = 0; i < 3; i++) await subject.getOrSet(`k${i}`, async () => i);
    for (let i = 0; i < 3; i++) await subject.getOrSet(`k${i}`, async () => i);
    await subject.invalidateTags('a', 'b');
    const stats = subject.stats();
    const attributes = { 'cachet.namespace': subject.namespace };
    expect(valueAt(await otel.points('cachet.cache.hits'), attributes)).toBe(stats.hits);
    expect(valueAt(await otel.points('cachet.cache.misses'), attributes)).toBe(stats.misses);
    expect(valueAt(await otel.points('cachet.cache.loads'), attributes)).toBe(3);
    expect(valueAt(await otel.points('cachet.cache.tag_invalidations'), attributes)).toBe(2);
    expect(valueAt(await otel.points('cachet.cache.breaker.open'), attributes)).toBe(0);
    expect(stats).toMatchObject({ hits: 3, misses: 3 });
    const reads = await otel.points('cachet.cache.read.duration');
    expect(valueAt(reads, { ...attributes, 'cachet.outcome': 'hit' })).toMatchObject({ count: 3 });
  });

  it('a closed cache unregisters its observed counters', async () => {
    const meter = otel.meterProvider.getMeter('@cachet/core');
    const registered: unknown[] = [];
    const spying = Object.assign(Object.create(meter) as typeof meter, {
      addBatchObservableCallback: (...args: Parameters<typeof meter.addBatchObservableCallback>) => {
        registered.push(args[0]);
        meter.addBatchObservableCallback(...args);
      },
      removeBatchObservableCallback: (...args: Parameters<typeof meter.removeBatchObservableCallback>) => {
        registered.splice(registered.indexOf(args[0]), 1);
        meter.removeBatchObservableCallback(...args);
      },
    });
    const subject = createCache({
      store: 'memory',
      logger: recordingLogger(),
      telemetry: { openTelemetry: true, meterProvider: { getMeter: () => spying } },
    });
    expect(registered).toHaveLength(1);
    await subject.close();
    expect(registered).toHaveLength(0);
  });

  it('reports nothing while telemetry is off (the default), even with an SDK registered', async () => {
    const off = cache({ telemetry: undefined });
    const explicitlyOff = cache({ telemetry: { openTelemetry: false, tracerProvider: otel.tracerProvider } });
    await off.getOrSet('k', async () => 1);
    await explicitlyOff.getOrSet('k', async () => 1);
    await off.get('k');
    expect(otel.spans()).toEqual([]);
    expect(valueAt(await otel.points('cachet.cache.hits'), { 'cachet.namespace': off.namespace })).toBeUndefined();
  });
});
