import { uniqueNamespace } from '@cachet/testing';
import 'reflect-metadata';
import { Controller, Get, Res, UseInterceptors, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CacheInterceptor, HttpCache } from '../../src/index.js';
import { ADAPTERS, bootHttpApp } from '../support/http-app.js';
import { CallLog } from '../support/test-app.js';

interface HeaderSetter {
  header(name: string, value: string): unknown;
}

/** RFC 9110's etagc admits a comma: `"v1,2"` is one valid entity tag. */
@Controller('etag')
@UseInterceptors(CacheInterceptor)
@HttpCache({ ttl: '1m' })
class OwnTagController {
  readonly log = new CallLog();

  @Get('comma')
  comma(@Res({ passthrough: true }) res: HeaderSetter) {
    this.log.record('comma');
    res.header('ETag', '"v1,2"');
    return { v: 1 };
  }
}

describe.each(ADAPTERS)('If-None-Match read as a list of entity tags (%s)', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await bootHttpApp(adapter, { controllers: [OwnTagController] }, { namespace: uniqueNamespace('inm') });
  });
  afterAll(() => app.close());

  it('matches a route ETag that contains a comma whole, alone or in a list, and nothing less', async () => {
    const get = (ifNoneMatch?: string) => {
      const call = request(app.getHttpServer()).get('/etag/comma');
      return ifNoneMatch === undefined ? call : call.set('if-none-match', ifNoneMatch);
    };
    expect((await get().expect(200)).headers.etag).toBe('"v1,2"');
    for (const header of ['"v1,2"', 'W/"v1,2"', '"x", "v1,2"', '"v1,2","y"']) await get(header).expect(304);
    for (const header of ['"v1"', '"2"', '"v1", "2"']) await get(header).expect(200);
    expect(app.get(OwnTagController).log.count('comma')).toBe(1);
  });
});
