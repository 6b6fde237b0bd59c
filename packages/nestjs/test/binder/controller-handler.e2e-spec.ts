import 'reflect-metadata';
import {
  Controller,
  Get,
  Injectable,
  Param,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import request from 'supertest';
import { Cacheable } from '../../src/index.js';
import { ADAPTERS, bootHttpApp } from '../support/http-app.js';
import { CallLog } from '../support/test-app.js';
import { uniqueNamespace } from '@cachet/testing';

@Injectable()
class HeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return req.headers['x-allow'] === 'yes';
  }
}

@Controller('catalog')
class CatalogController {
  readonly log = new CallLog();

  // @Cacheable above the route decorators
  @Cacheable({ key: (id: string) => `item:${id}`, ttl: '1m' })
  @Get('items/:id')
  async item(@Param('id') id: string): Promise<{ id: string; loaded: number }> {
    this.log.record(`item:${id}`);
    return { id, loaded: this.log.count() };
  }

  // @Cacheable below the route decorators, with a guard
  @Get('guarded/:id')
  @UseGuards(HeaderGuard)
  @Cacheable({ key: (id: string) => `guarded:${id}` })
  async guarded(@Param('id') id: string): Promise<{ id: string }> {
    this.log.record(`guarded:${id}`);
    return { id };
  }
}

describe.each(ADAPTERS)('@Cacheable on controller handlers (%s)', (adapter) => {
  let app: INestApplication;
  let controller: CatalogController;

  beforeAll(async () => {
    app = await bootHttpApp(
      adapter,
      { controllers: [CatalogController], providers: [HeaderGuard] },
      { namespace: uniqueNamespace(`controller-${adapter}`) },
    );
    controller = app.get(CatalogController);
  });

  afterAll(() => app.close());

  it('caches the handler when @Cacheable sits above @Get', async () => {
    const first = await request(app.getHttpServer()).get('/catalog/items/7').expect(200);
    const second = await request(app.getHttpServer()).get('/catalog/items/7').expect(200);
    expect(second.body).toEqual(first.body);
    expect(controller.log.count('item:7')).toBe(1);
  });

  it('caches the handler when @Cacheable sits below @Get and @UseGuards, and the guard still runs', async () => {
    await request(app.getHttpServer()).get('/catalog/guarded/1').expect(403);
    await request(app.getHttpServer()).get('/catalog/guarded/1').set('x-allow', 'yes').expect(200, { id: '1' });
    await request(app.getHttpServer()).get('/catalog/guarded/1').set('x-allow', 'yes').expect(200, { id: '1' });
    await request(app.getHttpServer()).get('/catalog/guarded/1').expect(403);
    expect(controller.log.count('guarded:1')).toBe(1);
  });
});
