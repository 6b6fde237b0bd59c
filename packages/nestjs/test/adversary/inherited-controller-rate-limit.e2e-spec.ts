import { uniqueNamespace } from '@cachet/testing';
import 'reflect-metadata';
import { Controller, Get, UseGuards, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { RateLimit, RateLimitGuard } from '../../src/index.js';
import { ADAPTERS, bootHttpApp } from '../support/http-app.js';

/** A class-level policy on a base controller, as `@UseGuards` on a base controller applies to its subclasses. */
@UseGuards(RateLimitGuard)
@RateLimit({ name: 'api', limit: 2, window: '1m' })
abstract class ApiController {
  @Get()
  list() {
    return { ok: true };
  }
}

@Controller('widgets')
class WidgetsController extends ApiController {}

describe.each(ADAPTERS)('class-level @RateLimit on a base controller (%s)', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await bootHttpApp(adapter, { controllers: [WidgetsController] }, { namespace: uniqueNamespace('rl-base') });
  });
  afterAll(() => app.close());

  it('limits the routes of the subclass (before, the policy was silently not enforced)', async () => {
    const ok = await request(app.getHttpServer()).get('/widgets').expect(200);
    expect(ok.headers['ratelimit-policy']).toBe('"api";q=2;w=60');
    await request(app.getHttpServer()).get('/widgets').expect(200);
    const refused = await request(app.getHttpServer()).get('/widgets').expect(429);
    expect(refused.body).toMatchObject({ policy: 'api' });
  });
});
