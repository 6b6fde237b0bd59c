import 'reflect-metadata';
import {
  Controller,
  Get,
  Injectable,
  SetMetadata,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import request from 'supertest';
import { Cacheable, CacheEvict, WriteThrough } from '../../src/index.js';
import { bootCacheApp } from '../support/test-app.js';
import { uniqueNamespace } from '@cachet/testing';

const Audit = (label: string) => SetMetadata('audit', label);

/** Refuses unless the handler carries the custom metadata: proves Nest sees it at request time. */
@Injectable()
class AuditGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    return this.reflector.get('audit', context.getHandler()) !== undefined;
  }
}

@Controller('meta')
class MetaController {
  @Cacheable({ key: () => 'meta:above' })
  @Get('above')
  @UseGuards(AuditGuard)
  @Audit('above')
  async above(): Promise<string> {
    return 'above';
  }

  @Get('below')
  @UseGuards(AuditGuard)
  @Audit('below')
  @Cacheable({ key: () => 'meta:below' })
  async below(): Promise<string> {
    return 'below';
  }

  @Audit('middle')
  @Cacheable({ key: () => 'meta:middle' })
  @UseGuards(AuditGuard)
  @CacheEvict({ keys: ['meta:above'] })
  @Get('middle')
  async middle(): Promise<string> {
    return 'middle';
  }

  @WriteThrough({ key: () => 'meta:written' })
  @Audit('write')
  async write(): Promise<string> {
    return 'written';
  }
}

describe('cache decorators keep other decorators’ metadata, in either order', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await bootCacheApp(
      { controllers: [MetaController], providers: [AuditGuard] },
      { namespace: uniqueNamespace('metadata') },
    );
  });

  afterAll(() => app.close());

  it.each(['above', 'below', 'middle'] as const)('keeps route, guards and custom metadata on %s', (name) => {
    const method = MetaController.prototype[name];
    expect(method.name).toBe(name);
    expect(Reflect.getMetadata(PATH_METADATA, method)).toBe(name);
    expect(Reflect.getMetadata(METHOD_METADATA, method)).toBe(0); // RequestMethod.GET
    expect(Reflect.getMetadata(GUARDS_METADATA, method)).toEqual([AuditGuard]);
    expect(Reflect.getMetadata('audit', method)).toBe(name);
  });

  it('keeps metadata on a method Nest never routes', () => {
    expect(MetaController.prototype.write.name).toBe('write');
    expect(Reflect.getMetadata('audit', MetaController.prototype.write)).toBe('write');
  });

  it.each(['above', 'below', 'middle'] as const)('routes and guards %s at request time', async (name) => {
    await request(app.getHttpServer()).get(`/meta/${name}`).expect(200, name);
  });
});
