import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CacheConfigError } from '@cachet/core';
import {
  Cacheable,
  CacheModule,
  CacheModuleSetupError,
  CacheService,
  getCacheToken,
  InjectCache,
} from '../../src/index.js';
import { initOrClose } from '../support/test-app.js';

async function boot(imports: unknown[]): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await initOrClose(app);
  return app;
}

async function failureOf(imports: unknown[]): Promise<Error | undefined> {
  return boot(imports).then(
    async (app) => {
      await app.close();
      return undefined;
    },
    (error: Error) => error,
  );
}

// The modules docs/getting-started.md shows failing: they use the cache without importing forFeature.
@Injectable()
class ReportsService {
  constructor(readonly cache: CacheService) {}
}

@Module({ providers: [ReportsService] })
class ReportsModule {}

@Injectable()
class InvoicesService {
  @Cacheable({ key: (id: string) => `invoice:${id}` })
  async findOne(id: string): Promise<string> {
    return id;
  }
}

@Module({ providers: [InvoicesService] })
class InvoicesModule {}

describe('a module that uses the cache without forFeature, under isGlobal: false', () => {
  it.each([
    ['injects CacheService', ReportsModule],
    ['has a decorated method', InvoicesModule],
  ])('%s: fails with the error the docs quote', async (_label, feature) => {
    const failure = await failureOf([CacheModule.forRoot({ store: 'memory', isGlobal: false }), feature]);
    expect(failure?.constructor.name).toBe('UnknownDependenciesException');
    const firstLine = failure!.message.split('\n')[0]!;
    expect(firstLine).toMatch(/^Nest can't resolve dependencies of the (ReportsService|InvoicesService)/);
    const docs = await readFile(new URL('../../../../docs/getting-started.md', import.meta.url), 'utf8');
    expect(docs).toContain(firstLine);
    if (feature === InvoicesModule) {
      const hint = failure!.message.split('\n').find((line) => line.includes('If Symbol(CacheRuntime'));
      expect(hint).toContain('import CacheModule.forFeature() in this module');
      expect(docs).toContain(hint);
      const sharpEdges = await readFile(new URL('../../../../docs/sharp-edges.md', import.meta.url), 'utf8');
      expect(sharpEdges).toContain(firstLine);
    }
  });
});

@Module({ imports: [CacheModule.forFeature({ namespace: 'users' })] })
class UsersModule {}

describe('CacheModule.forFeature: bad input fails at bootstrap, saying what to do', () => {
  it('without forRoot in the app: CacheModuleSetupError', async () => {
    const failure = await failureOf([UsersModule]);
    expect(failure).toBeInstanceOf(CacheModuleSetupError);
    expect(failure).toMatchObject({ code: 'E_CACHE_CONFIG' });
    expect(failure!.message).toMatch(/found no CacheModule.*import CacheModule\.forRoot\(/);
  });

  it.each<[string, () => unknown, RegExp]>([
    [
      'a namespace with a space',
      () => CacheModule.forFeature({ namespace: 'my users' }),
      /"forFeature.namespace": "my users"/,
    ],
    ['a namespace with a brace', () => CacheModule.forFeature({ namespace: '{users}' }), /"forFeature.namespace"/],
    ['an unknown option', () => CacheModule.forFeature({ namspace: 'x' } as never), /"forFeature.namspace": "x"/],
    ['options that are not an object', () => CacheModule.forFeature('users' as never), /an options object/],
    ['@InjectCache with a bad namespace', () => InjectCache('a b'), /"namespace": "a b"/],
  ])('%s: CacheConfigError', (_label, declare, message) => {
    expect(declare).toThrow(CacheConfigError);
    expect(declare).toThrow(message);
  });

  it('getCacheToken is one token per namespace, and the root cache without one', () => {
    expect(getCacheToken('users')).toBe(getCacheToken('users'));
    expect(getCacheToken('users')).not.toBe(getCacheToken('orders'));
    expect(String(getCacheToken('users'))).toContain("CacheModule.forFeature({ namespace: 'users' })");
  });
});
