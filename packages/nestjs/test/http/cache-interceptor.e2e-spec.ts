import 'reflect-metadata';
import { Readable } from 'node:stream';
import {
  Controller,
  Get,
  Injectable,
  Post,
  Query,
  StreamableFile,
  UseGuards,
  UseInterceptors,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import request from 'supertest';
import { CacheInterceptor, CacheService, HttpCache } from '../../src/index.js';
import { ADAPTERS, bootHttpApp } from '../support/http-app.js';
import { CallLog } from '../support/test-app.js';
import { uniqueNamespace } from '@cachet/testing';

/** Sets request.user from a test header, as an auth guard would. */
@Injectable()
class FakeAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string>; user?: unknown }>();
    if (req.headers['x-user']) req.user = { id: req.headers['x-user'] };
    return true;
  }
}

@Controller('shop')
@UseInterceptors(CacheInterceptor)
@HttpCache({ ttl: '1m' })
class ShopController {
  readonly log = new CallLog();

  @Get('products')
  @HttpCache({ tags: ['products'] })
  products(@Query() query: Record<string, string>) {
    this.log.record('products');
    return { query, served: this.log.count('products') };
  }

  @Post('products')
  create() {
    this.log.record('create');
    return { created: this.log.count('create') };
  }

  @Get('me')
  @UseGuards(FakeAuthGuard)
  @HttpCache({ perUser: true })
  me() {
    this.log.record('me');
    return { served: this.log.count('me') };
  }

  @Get('greeting')
  @HttpCache({ vary: ['accept-language'] })
  greeting() {
    this.log.record('greeting');
    return { served: this.log.count('greeting') };
  }

  @Get('public')
  @HttpCache({ shareAuthenticated: true })
  publicPage() {
    this.log.record('public');
    return { served: this.log.count('public') };
  }

  @Get('file')
  file() {
    this.log.record('file');
    return new StreamableFile(Readable.from([Buffer.from(`file #${this.log.count('file')}`)]));
  }

  @Get('uncached')
  @HttpCache({ enabled: false })
  uncached() {
    this.log.record('uncached');
    return { served: this.log.count('uncached') };
  }

  @Get('broken')
  broken() {
    this.log.record('broken');
    throw new Error('boom');
  }
}

describe.each(ADAPTERS)('CacheInterceptor (%s)', (adapter) => {
  let app: INestApplication;
  let shop: ShopController;
  const get = (path: string) => request(app.getHttpServer()).get(path);

  beforeAll(async () => {
    app = await bootHttpApp(
      adapter,
      { controllers: [ShopController], providers: [FakeAuthGuard] },
      { namespace: uniqueNamespace(`http-${adapter}`) },
    );
    shop = app.get(ShopController);
  });

  afterAll(() => app.close());

  it('answers MISS, then HIT, from the cache', async () => {
    const miss = await get('/shop/products?page=1').expect(200);
    expect(miss.headers['x-cache']).toBe('MISS');
    const hit = await get('/shop/products?page=1').expect(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toEqual(miss.body);
    expect(shop.log.count('products')).toBe(1);
  });

  it('normalises the query: parameter order does not matter, values do', async () => {
    const first = await get('/shop/products?b=2&a=1').expect(200);
    const reordered = await get('/shop/products?a=1&b=2').expect(200);
    expect(reordered.headers['x-cache']).toBe('HIT');
    expect(reordered.body).toEqual(first.body);
    const other = await get('/shop/products?a=1&b=3').expect(200);
    expect(other.headers['x-cache']).toBe('MISS');
  });

  it('serves HEAD from the same entry and never caches POST', async () => {
    await get('/shop/products?head=1').expect(200);
    const head = await request(app.getHttpServer()).head('/shop/products?head=1').expect(200);
    expect(head.headers['x-cache']).toBe('HIT');
    const before = shop.log.count('create');
    const post1 = await request(app.getHttpServer()).post('/shop/products').expect(201);
    await request(app.getHttpServer()).post('/shop/products').expect(201);
    expect(post1.headers['x-cache']).toBeUndefined();
    expect(shop.log.count('create')).toBe(before + 2);
  });

  it('invalidates responses by tag', async () => {
    await get('/shop/products?tagged=1').expect(200);
    await app.get(CacheService).invalidateTags('products');
    const after = await get('/shop/products?tagged=1').expect(200);
    expect(after.headers['x-cache']).toBe('MISS');
  });

  it('never serves one user’s response to another with perUser', async () => {
    const alice = await get('/shop/me').set('x-user', 'alice').set('authorization', 'Bearer a').expect(200);
    const bob = await get('/shop/me').set('x-user', 'bob').set('authorization', 'Bearer b').expect(200);
    expect(bob.body).not.toEqual(alice.body);
    expect(bob.headers['x-cache']).toBe('MISS');
    const aliceAgain = await get('/shop/me').set('x-user', 'alice').set('authorization', 'Bearer a').expect(200);
    expect(aliceAgain.headers['x-cache']).toBe('HIT');
    expect(aliceAgain.body).toEqual(alice.body);
    // No identity: not cached at all.
    const anonymous1 = await get('/shop/me').expect(200);
    expect(anonymous1.headers['x-cache']).toBeUndefined();
  });

  it('does not cache requests carrying Authorization or Cookie unless told', async () => {
    const before = shop.log.count('products');
    const withAuth = await get('/shop/products?auth=1').set('authorization', 'Bearer x').expect(200);
    const withCookie = await get('/shop/products?auth=1').set('cookie', 'sid=1').expect(200);
    expect(withAuth.headers['x-cache']).toBeUndefined();
    expect(withCookie.headers['x-cache']).toBeUndefined();
    expect(shop.log.count('products')).toBe(before + 2);
    // An anonymous request never gets what an authenticated one produced, nor the reverse.
    const anonymous = await get('/shop/products?auth=1').expect(200);
    expect(anonymous.headers['x-cache']).toBe('MISS');

    await get('/shop/public').set('cookie', 'sid=1').expect(200);
    const shared = await get('/shop/public').set('cookie', 'sid=2').expect(200);
    expect(shared.headers['x-cache']).toBe('HIT');
  });

  it('keys by the headers named in vary', async () => {
    const en = await get('/shop/greeting').set('accept-language', 'en').expect(200);
    const fr = await get('/shop/greeting').set('accept-language', 'fr').expect(200);
    expect(fr.headers['x-cache']).toBe('MISS');
    expect(fr.body).not.toEqual(en.body);
    const enAgain = await get('/shop/greeting').set('accept-language', 'en').expect(200);
    expect(enAgain.headers['x-cache']).toBe('HIT');
    expect(enAgain.body).toEqual(en.body);
  });

  it('never caches a stream', async () => {
    const first = await get('/shop/file').expect(200);
    const second = await get('/shop/file').expect(200);
    expect(Buffer.from(first.body ?? first.text).toString()).toContain('file #1');
    expect(Buffer.from(second.body ?? second.text).toString()).toContain('file #2');
    expect(shop.log.count('file')).toBe(2);
  });

  it('lets a handler opt out of a controller-wide interceptor', async () => {
    await get('/shop/uncached').expect(200);
    const second = await get('/shop/uncached').expect(200);
    expect(second.headers['x-cache']).toBeUndefined();
    expect(second.body).toEqual({ served: 2 });
  });

  it('passes handler errors through unchanged and caches nothing', async () => {
    await get('/shop/broken').expect(500);
    await get('/shop/broken').expect(500);
    expect(shop.log.count('broken')).toBe(2);
  });
});
