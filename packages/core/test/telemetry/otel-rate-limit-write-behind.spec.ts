import { uniqueNamespace } from '@cachet/testing';
import { SpanStatusCode } from '@opentelemetry/api';
import { createRateLimiter, createWriteBehind, type WriteBehindEngine } from '@cachet/core';
import { openStore, type StoreFixture } from '../support/stores.js';
import { recordingLogger } from '../support/caches.js';
import { otelHarness, parentOf, valueAt, type OtelHarness } from './otel-harness.js';

let otel: OtelHarness;
let fixture: StoreFixture;

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

describe('OpenTelemetry: rate-limit checks (Redis)', () => {
  const rule = { limit: 2, window: '1m', algorithm: 'fixed-window' } as const;

  it('one span per check under the caller’s span: allowed, then refused (not an error), by source', async () => {
    const namespace = uniqueNamespace('otel-rl');
    const limiter = createRateLimiter({
      store: fixture.store,
      namespace,
      logger: recordingLogger(),
      telemetry: otel.telemetry,
    });
    await otel.tracer.startActiveSpan('login', async (span) => {
      for (let i = 0; i < 4; i++) await limiter.consume('ip:203.0.113.9', rule);
      span.end();
    });
    const [login] = otel.named('login');
    const checks = otel.named('cachet.rate_limit.check');
    expect(checks.map((check) => check.attributes['cachet.outcome'])).toEqual([
      'allowed',
      'allowed',
      'refused',
      'refused',
    ]);
    // The first refusal asks Redis; the next is answered from process memory.
    expect(checks.map((check) => check.attributes['cachet.rate_limit.source'])).toEqual([
      'store',
      'store',
      'store',
      'short-circuit',
    ]);
    for (const check of checks) {
      expect(parentOf(check)).toBe(login!.spanContext().spanId);
      expect(check.status.code).toBe(SpanStatusCode.UNSET);
      expect(check.attributes).toMatchObject({ 'cachet.namespace': namespace, 'cachet.rate_limit.policies': 1 });
      expect(JSON.stringify(check.attributes)).not.toContain('203.0.113.9');
    }
    expect(checks[2]!.attributes['cachet.rate_limit.retry_after_ms']).toBeGreaterThan(0);

    const points = await otel.points('cachet.rate_limit.check.duration');
    const count = (outcome: string, source: string) =>
      (
        valueAt(points, {
          'cachet.namespace': namespace,
          'cachet.outcome': outcome,
          'cachet.rate_limit.source': source,
        }) as { count: number }
      ).count;
    expect([count('allowed', 'store'), count('refused', 'store'), count('refused', 'short-circuit')]).toEqual([
      2, 1, 1,
    ]);
    expect(limiter.stats()).toMatchObject({ storeChecks: 3, shortCircuited: 1 });
  });

  it('records subjects only with recordKeys; a store failure with failOpen off is an error span', async () => {
    const namespace = uniqueNamespace('otel-rl');
    const keyed = createRateLimiter({
      store: fixture.store,
      namespace,
      logger: recordingLogger(),
      telemetry: { ...otel.telemetry, recordKeys: true },
    });
    await keyed.consume('user:7', rule);
    expect(otel.named('cachet.rate_limit.check')[0]!.attributes['cachet.rate_limit.subjects']).toEqual(['user:7']);

    otel.reset();
    const down = openStore('redis');
    await down.store.ready(10_000);
    await down.close(); // a store whose connection is gone
    const strict = createRateLimiter({
      store: down.store,
      namespace,
      failOpen: false,
      commandTimeout: '50ms',
      logger: recordingLogger(),
      telemetry: otel.telemetry,
    });
    await expect(strict.consume('user:7', rule)).rejects.toMatchObject({ code: 'E_RATE_LIMIT_UNAVAILABLE' });
    const [failed] = otel.named('cachet.rate_limit.check');
    expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
    expect(valueAt(await otel.points('cachet.rate_limit.check.duration'), { 'cachet.outcome': 'error' })).toMatchObject(
      {
        count: 1,
      },
    );
  });
});

describe('OpenTelemetry: write-behind flushes (Redis)', () => {
  const engines: WriteBehindEngine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close({ timeoutMs: 2_000 });
  });

  function engine(namespace = uniqueNamespace('otel-wb')): WriteBehindEngine {
    const created = createWriteBehind({
      store: { queues: fixture.store.queues },
      namespace,
      logger: recordingLogger(),
      maxAttempts: 2,
      backoff: { initial: '10ms', max: '10ms' },
      telemetry: otel.telemetry,
    });
    engines.push(created);
    return created;
  }

  it('a flush is a root span naming the queue and what it persisted; the counters and queue gauges follow', async () => {
    const wb = engine();
    const persisted: string[] = [];
    wb.registerHandler('users', {
      handleBatch: async (items) => void persisted.push(...items.map((item) => item.key)),
    });
    for (let i = 0; i < 3; i++) await wb.append('users', { key: `user:${i}`, args: [i], value: i });
    const pending = await otel.points('cachet.write_behind.depth');
    expect(valueAt(pending, { 'cachet.queue': 'users' })).toBe(3);

    await wb.flush('users');
    expect(persisted).toEqual(['user:0', 'user:1', 'user:2']);
    const [flush] = otel.named('cachet.write_behind.flush');
    expect(parentOf(flush!)).toBeUndefined();
    expect(flush!.attributes).toMatchObject({
      'cachet.queue': 'users',
      'cachet.outcome': 'ok',
      'cachet.write_behind.entries': 3,
      'cachet.write_behind.flushed': 3,
    });
    expect(flush!.status.code).toBe(SpanStatusCode.UNSET);
    expect(valueAt(await otel.points('cachet.write_behind.flushed'), { 'cachet.queue': 'users' })).toBe(3);
    expect(valueAt(await otel.points('cachet.write_behind.depth'), { 'cachet.queue': 'users' })).toBe(0);
  });

  it('a persister that fails every entry: an error span, then the retry and the dead letter are counted', async () => {
    const namespace = uniqueNamespace('otel-wb');
    const wb = engine(namespace);
    wb.registerHandler('orders', {
      handle: async () => {
        throw new Error('db refused');
      },
    });
    await wb.append('orders', { key: 'order:1', args: [1], value: 1 });
    await wb.flush('orders');
    await new Promise((resolve) => setTimeout(resolve, 30)); // past the backoff
    await wb.flush('orders');
    const flushes = otel.named('cachet.write_behind.flush');
    expect(flushes).toHaveLength(2);
    for (const flush of flushes) {
      expect(flush.attributes['cachet.outcome']).toBe('failed');
      expect(flush.status.code).toBe(SpanStatusCode.ERROR);
    }
    expect(flushes[1]!.attributes['cachet.write_behind.dead_lettered']).toBe(1);
    const attributes = { 'cachet.namespace': namespace, 'cachet.queue': 'orders' };
    expect(valueAt(await otel.points('cachet.write_behind.retried'), attributes)).toBe(1);
    expect(valueAt(await otel.points('cachet.write_behind.dead_lettered'), attributes)).toBe(1);
    expect(valueAt(await otel.points('cachet.write_behind.dead_letters'), attributes)).toBe(1);
    const stats = await wb.stats('orders');
    expect(stats).toMatchObject({ retried: 1, deadLettered: 1, flushed: 0 });
  });
});
