import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Registry } from 'prom-client';
import { Cacheable, CacheMetrics, CacheMetricsModule, CacheService, WriteBehind } from '../../src/index.js';
import { ADAPTERS, bootHttpApp } from '../support/http-app.js';
import { uniqueNamespace } from '@cachet/testing';

@Injectable()
class Prices {
  loads = 0;

  @Cacheable({ ttl: '1m' })
  async price(sku: string): Promise<number> {
    this.loads++;
    return sku.length * 100;
  }
}

@Injectable()
class Orders {
  @WriteBehind({ queue: 'orders', key: (order: { id: string }) => `order:${order.id}`, batch: { interval: '1h' } })
  async save(order: { id: string }): Promise<void> {
    void order;
  }
}

/** The value of one sample line, e.g. `cachet_cache_hits_total{namespace="x"}`. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.each(ADAPTERS)('CacheMetricsModule on %s', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('serves cachet_* metrics in the Prometheus text format, counting hits, misses, loads and queue depth', async () => {
    const namespace = uniqueNamespace('metrics');
    app = await bootHttpApp(
      adapter,
      { imports: [CacheMetricsModule.forRoot()], providers: [Prices, Orders] },
      { namespace },
    );
    const prices = app.get(Prices);
    await prices.price('abc');
    await prices.price('abc');
    await prices.price('abc');
    await app.get(CacheService).flushWriteBehind(2_000);
    await app.get(Orders).save({ id: '1' });

    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.text;
    const ns = `namespace="${namespace}"`;
    expect(text).toContain('# TYPE cachet_cache_hits_total counter');
    expect(sample(text, 'cachet_cache_hits_total', ns)).toBe(2);
    expect(sample(text, 'cachet_cache_misses_total', ns)).toBe(1);
    expect(sample(text, 'cachet_cache_loads_total', ns)).toBe(1);
    expect(sample(text, 'cachet_cache_breaker_open', ns)).toBe(0);
    expect(sample(text, 'cachet_write_behind_depth', 'queue="orders"')).toBe(1);
    expect(sample(text, 'cachet_write_behind_dead_letters', 'queue="orders"')).toBe(0);
    expect(text).toContain('cachet_rate_limit_store_checks_total');

    // A second scrape adds only what happened since the first.
    await prices.price('abc');
    const again = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
    expect(sample(again, 'cachet_cache_hits_total', ns)).toBe(3);
    expect(sample(again, 'cachet_cache_misses_total', ns)).toBe(1);
    await app.get(CacheService).flushWriteBehind(5_000);
  });

  it('adds to a registry of yours on a path of yours, and two apps keep their own figures', async () => {
    const registry = new Registry();
    const first = uniqueNamespace('metrics-a');
    const second = uniqueNamespace('metrics-b');
    app = await bootHttpApp(
      adapter,
      { imports: [CacheMetricsModule.forRoot({ path: 'ops/prometheus', registry })], providers: [Prices] },
      { namespace: first },
    );
    const other = await bootHttpApp(
      adapter,
      { imports: [CacheMetricsModule.forRoot()], providers: [Prices] },
      { namespace: second },
    );
    try {
      await app.get(Prices).price('x');
      await request(app.getHttpServer()).get('/metrics').expect(404);
      const text = (await request(app.getHttpServer()).get('/ops/prometheus').expect(200)).text;
      expect(sample(text, 'cachet_cache_misses_total', `namespace="${first}"`)).toBe(1);
      expect(await registry.metrics()).toContain(`namespace="${first}"`);
      expect(app.get(CacheMetrics).registry).toBe(registry);
      await other.get(Prices).price('y');
      await other.get(Prices).price('y');
      const otherText = (await request(other.getHttpServer()).get('/metrics').expect(200)).text;
      expect(otherText).not.toContain(first);
      expect(sample(otherText, 'cachet_cache_misses_total', `namespace="${second}"`)).toBe(1);
      expect(sample(otherText, 'cachet_cache_hits_total', `namespace="${second}"`)).toBe(1);
    } finally {
      await other.close();
    }
  });
});
