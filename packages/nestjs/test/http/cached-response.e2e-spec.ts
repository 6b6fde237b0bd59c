import { uniqueNamespace } from '@cachet/testing';
import 'reflect-metadata';
import { Controller, Get, Header, HttpCode, UseInterceptors, type INestApplication } from '@nestjs/common';
import type { Response } from 'superagent';
import request from 'supertest';
import { CacheInterceptor, CacheService, HttpCache } from '../../src/index.js';
import { ADAPTERS, bootHttpApp } from '../support/http-app.js';
import { CallLog } from '../support/test-app.js';

const PRODUCT = { id: 7, name: 'Løve & <Co>', tags: ['a', 'b'], price: 12.5, at: new Date('2026-01-02T03:04:05Z') };

@Controller('wire')
@UseInterceptors(CacheInterceptor)
@HttpCache({ ttl: '1m' })
class WireController {
  readonly log = new CallLog();

  @Get('product')
  product() {
    this.log.record('product');
    return PRODUCT;
  }

  @Get('product-uncached')
  @HttpCache({ enabled: false })
  productUncached() {
    return PRODUCT;
  }

  @Get('text')
  text() {
    this.log.record('text');
    return 'plain text, ünïcode';
  }

  @Get('text-uncached')
  @HttpCache({ enabled: false })
  textUncached() {
    return 'plain text, ünïcode';
  }

  @Get('csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  csv() {
    this.log.record('csv');
    return 'a,b\n1,2\n';
  }

  @Get('accepted')
  @HttpCode(203)
  accepted() {
    this.log.record('accepted');
    return { accepted: true };
  }

  @Get('versioned')
  versioned() {
    this.log.record('versioned');
    return { version: this.log.count('versioned') };
  }
}

/** Collects a response body as the bytes that came off the wire, whatever its content type. */
function collectBytes(response: Response, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => done(null, Buffer.concat(chunks)));
}

describe.each(ADAPTERS)('cached responses as wire bytes, with ETags (%s)', (adapter) => {
  let app: INestApplication;
  let wire: WireController;
  let deserialized = 0;
  const get = (path: string, headers: Record<string, string> = {}) =>
    request(app.getHttpServer()).get(path).set(headers).buffer(true).parse(collectBytes);

  beforeAll(async () => {
    app = await bootHttpApp(
      adapter,
      { controllers: [WireController] },
      {
        namespace: uniqueNamespace(`wire-${adapter}`),
        // Counts how often a cached value is deserialized: a stored response never is.
        serializer: {
          name: 'counting-json',
          serialize: (value) => Buffer.from(JSON.stringify(value)),
          deserialize: (bytes) => (deserialized++, JSON.parse(bytes.toString())),
        },
      },
    );
    wire = app.get(WireController);
  });
  afterAll(() => app.close());

  it('MISS then HIT: the same bytes, content type and ETag as the route sends uncached', async () => {
    const uncached = await get('/wire/product-uncached').expect(200);
    const miss = await get('/wire/product').expect(200);
    const hit = await get('/wire/product').expect(200);
    expect([miss.headers['x-cache'], hit.headers['x-cache']]).toEqual(['MISS', 'HIT']);
    expect(miss.body).toEqual(uncached.body);
    expect(hit.body).toEqual(miss.body);
    expect(JSON.parse(hit.body.toString())).toEqual(JSON.parse(JSON.stringify(PRODUCT)));
    expect(hit.headers['content-type']).toBe(uncached.headers['content-type']);
    expect(miss.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(miss.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(hit.headers.etag).toBe(miss.headers.etag);
    expect((await get('/wire/product')).headers.etag).toBe(miss.headers.etag);
    expect(wire.log.count('product')).toBe(1);
  });

  it('answers a matching If-None-Match with 304 and no body, without running the handler or decoding', async () => {
    const { headers } = await get('/wire/product').expect(200);
    const before = { handler: wire.log.count('product'), deserialized };
    for (const ifNoneMatch of [headers.etag!, `W/${headers.etag}`, `"other", ${headers.etag}`, '*']) {
      const notModified = await get('/wire/product', { 'if-none-match': ifNoneMatch }).expect(304);
      expect(notModified.body).toEqual(Buffer.alloc(0));
      expect(notModified.headers.etag).toBe(headers.etag);
      expect(notModified.headers['x-cache']).toBe('HIT');
    }
    const head = await request(app.getHttpServer()).head('/wire/product').set('if-none-match', headers.etag!);
    expect(head.status).toBe(304);
    expect(wire.log.count('product')).toBe(before.handler);
    expect(deserialized).toBe(before.deserialized);
  });

  it('answers a stale If-None-Match with 200 and the whole body', async () => {
    const first = await get('/wire/product').expect(200);
    const other = await get('/wire/product', { 'if-none-match': '"not-this-one"' }).expect(200);
    expect(other.body).toEqual(first.body);
    expect(other.headers.etag).toBe(first.headers.etag);
  });

  it('a new response after an invalidation gets a new ETag; the old one then gets the body', async () => {
    const v1 = await get('/wire/versioned').expect(200);
    await app.get(CacheService).clear();
    const v2 = await get('/wire/versioned', { 'if-none-match': v1.headers.etag! }).expect(200);
    expect(JSON.parse(v2.body.toString())).toEqual({ version: 2 });
    expect(v2.headers.etag).not.toBe(v1.headers.etag);
    await get('/wire/versioned', { 'if-none-match': v2.headers.etag! }).expect(304);
  });

  it('keeps the content type the adapter gives a string, and one the route declares', async () => {
    const uncached = await get('/wire/text-uncached').expect(200);
    const miss = await get('/wire/text').expect(200);
    const hit = await get('/wire/text').expect(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(miss.body).toEqual(uncached.body);
    expect(hit.body).toEqual(uncached.body);
    expect(hit.headers['content-type']).toBe(uncached.headers['content-type']);
    await get('/wire/csv').expect(200);
    const csv = await get('/wire/csv').expect(200);
    expect(csv.headers['x-cache']).toBe('HIT');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.toString()).toBe('a,b\n1,2\n');
  });

  it('keeps the status the route answers with', async () => {
    const miss = await get('/wire/accepted').expect(203);
    const hit = await get('/wire/accepted').expect(203);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toEqual(miss.body);
    expect(wire.log.count('accepted')).toBe(1);
  });
});
