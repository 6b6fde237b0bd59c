import 'reflect-metadata';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Controller, Get, Injectable, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { testRedisUrl, uniqueNamespace } from '@cachet/testing';
import request from 'supertest';
import { Cacheable, CacheModule, CacheService, WriteBehind, type CacheModuleOptions } from '../../src/index.js';
import { RateLimit } from '../../src/rate-limit/rate-limit.decorator.js';
import { RateLimitGuard } from '../../src/rate-limit/rate-limit.guard.js';
import { initOrClose } from '../support/test-app.js';

class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

@Injectable()
class Prices {
  @Cacheable({ ttl: '1m' })
  async price(sku: string): Promise<number> {
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

@Controller('login')
class LoginController {
  @Get()
  @UseGuards(RateLimitGuard)
  @RateLimit({ name: 'login', limit: 1, window: '1m' })
  login() {
    return { ok: true };
  }
}

describe('CacheModule passes `telemetry` to the cache, the rate limiter and write-behind', () => {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const tracer = tracerProvider.getTracer('test');
  let app: INestApplication | undefined;

  beforeAll(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
  afterAll(async () => {
    context.disable();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });
  beforeEach(() => exporter.reset());
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const options = (): CacheModuleOptions => ({
    redis: testRedisUrl(),
    namespace: uniqueNamespace('otel'),
    telemetry: { openTelemetry: true, tracerProvider, meterProvider },
  });

  it.each([
    ['forRoot', () => CacheModule.forRoot(options())],
    ['forRootAsync', () => CacheModule.forRootAsync({ useFactory: options })],
  ])('with %s: @Cacheable reads, @RateLimit checks and write-behind flushes are spans', async (_label, module) => {
    const moduleRef = await Test.createTestingModule({
      imports: [module()],
      providers: [Prices, Orders],
      controllers: [LoginController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await initOrClose(app);

    const prices = app.get(Prices);
    await tracer.startActiveSpan('handler', async (span) => {
      expect(await prices.price('abc')).toBe(300);
      expect(await prices.price('abc')).toBe(300);
      span.end();
    });
    const server = app.getHttpServer();
    await request(server).get('/login').expect(200);
    await request(server).get('/login').expect(429);
    await app.get(Orders).save({ id: '1' });
    await app.get(CacheService).flushWriteBehind(5_000);

    const spans = exporter.getFinishedSpans();
    const handler = spans.find((span) => span.name === 'handler')!;
    const reads = spans.filter((span) => span.name === 'cachet.cache.read');
    expect(reads.map((span) => span.attributes['cachet.outcome'])).toEqual(['miss', 'hit']);
    for (const read of reads) expect(read.parentSpanContext?.spanId).toBe(handler.spanContext().spanId);
    const [load] = spans.filter((span) => span.name === 'cachet.cache.load');
    expect(load!.parentSpanContext?.spanId).toBe(reads[0]!.spanContext().spanId);
    // The default key names the method and hashes the arguments; neither reaches a span without recordKeys.
    expect(spans.some((span) => 'cachet.key' in span.attributes)).toBe(false);

    const checks = spans.filter((span) => span.name === 'cachet.rate_limit.check');
    expect(checks.map((span) => span.attributes['cachet.outcome'])).toEqual(['allowed', 'refused']);
    const flushes = spans.filter((span) => span.name === 'cachet.write_behind.flush');
    expect(flushes.map((span) => span.attributes['cachet.queue'])).toEqual(['orders']);

    const { resourceMetrics } = await reader.collect();
    const names = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.map((m) => m.descriptor.name));
    expect(names).toEqual(
      expect.arrayContaining([
        'cachet.cache.read.duration',
        'cachet.rate_limit.check.duration',
        'cachet.write_behind.flushed',
      ]),
    );
  });
});
