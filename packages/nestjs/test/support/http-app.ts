import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { testRedisUrl } from '@cachet/testing';
import { CacheModule, type CacheModuleOptions } from '../../src/index.js';
import { initOrClose } from './test-app.js';

export type AdapterName = 'express' | 'fastify';

/** Every HTTP feature runs on both adapters. */
export const ADAPTERS: AdapterName[] = ['express', 'fastify'];

/** Boots an HTTP app with CacheModule on the run's Redis, on the given adapter. */
export async function bootHttpApp(
  adapter: AdapterName,
  metadata: ModuleMetadata,
  options: CacheModuleOptions = {},
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    ...metadata,
    imports: [CacheModule.forRoot({ redis: testRedisUrl(), ...options }), ...(metadata.imports ?? [])],
  }).compile();
  if (adapter === 'express') {
    const app = moduleRef.createNestApplication({ logger: false });
    await initOrClose(app);
    return app;
  }
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  await initOrClose(app);
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
