import 'reflect-metadata';
import { Controller, Get, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CacheConfigError } from '@cachet/core';
import { testRedisUrl, uniqueNamespace } from '@cachet/testing';
import request from 'supertest';
import { CacheModule, type CacheModuleOptions, type Ipv6Subnet } from '../../src/index.js';
import { RateLimit } from '../../src/rate-limit/rate-limit.decorator.js';
import { RateLimitGuard } from '../../src/rate-limit/rate-limit.guard.js';
import { initOrClose } from '../support/test-app.js';

@Controller('login')
class LoginController {
  @Get()
  @UseGuards(RateLimitGuard)
  @RateLimit({ name: 'login', limit: 2, window: '1m' })
  login() {
    return { ok: true };
  }
}

@Controller('open')
class OpenController {
  @Get()
  open() {
    return { ok: true };
  }
}

async function boot(module: ReturnType<typeof CacheModule.forRoot>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [module],
    controllers: [LoginController, OpenController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await initOrClose(app);
  return app;
}

const options = (): CacheModuleOptions => ({ redis: testRedisUrl(), namespace: uniqueNamespace('rate-limit') });

describe('CacheModule registers rate limiting', () => {
  it.each([
    ['forRoot', () => CacheModule.forRoot(options())],
    ['forRootAsync', () => CacheModule.forRootAsync({ useFactory: options })],
  ])('with %s: RateLimitGuard enforces @RateLimit on the module’s Redis', async (_label, module) => {
    const app = await boot(module());
    const server = app.getHttpServer();
    await request(server).get('/login').expect(200);
    await request(server).get('/login').expect(200);
    await request(server).get('/login').expect(429);
    await request(server).get('/open').expect(200);
    await app.close();
  });

  it('applies rateLimit.global to every route, before route guards', async () => {
    const app = await boot(
      CacheModule.forRoot({ ...options(), rateLimit: { global: { name: 'all', limit: 1, window: '1m' } } }),
    );
    await request(app.getHttpServer()).get('/open').expect(200);
    await request(app.getHttpServer()).get('/open').expect(429);
    await app.close();
  });

  it('fails at bootstrap on a bad rateLimit option, naming it', async () => {
    await expect(
      boot(
        CacheModule.forRootAsync({ useFactory: () => ({ store: 'memory', rateLimit: { headers: 'all' as 'both' } }) }),
      ),
    ).rejects.toThrow(/"rateLimit.headers": "all"/);
  });

  it.each([0, 129, 64.5, '64', true])(
    'refuses rateLimit.ipv6Subnet %p at bootstrap with a typed error',
    async (bad) => {
      const ipv6Subnet = bad as Ipv6Subnet;
      expect(() => CacheModule.forRoot({ store: 'memory', rateLimit: { ipv6Subnet } })).toThrow(CacheConfigError);
      const failure = boot(
        CacheModule.forRootAsync({ useFactory: () => ({ store: 'memory', rateLimit: { ipv6Subnet } }) }),
      );
      await expect(failure).rejects.toThrow(CacheConfigError);
      await expect(failure).rejects.toThrow(/"rateLimit.ipv6Subnet"/);
    },
  );
});
