import 'reflect-metadata';
import { Injectable, SetMetadata, type INestApplication } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Cacheable, CacheEvict } from '../../src/index.js';
import { bootCacheApp, CallLog } from '../support/test-app.js';
import { uniqueNamespace } from '@cachet/testing';

// A GraphQL-style resolver: the framework (here, this test) finds resolver classes and field methods by
// metadata, then calls `instance[method](...)` itself, as @nestjs/graphql does.
const RESOLVER = 'test:resolver';
const FIELD = 'test:field';
const Resolver = (type: string) => SetMetadata(RESOLVER, type);
const Query = (name: string) => SetMetadata(FIELD, name);
const Mutation = (name: string) => SetMetadata(FIELD, name);

@Resolver('Author')
@Injectable()
class AuthorResolver {
  readonly log = new CallLog();

  @Query('author')
  @Cacheable({ key: (id: number) => `author:${id}`, tags: (id: number) => [`author:${id}`] })
  async author(id: number): Promise<{ id: number; name: string }> {
    this.log.record(`author:${id}`);
    return { id, name: `Author ${id}` };
  }

  @CacheEvict({ tags: (id: number) => [`author:${id}`] })
  @Mutation('renameAuthor')
  async renameAuthor(_id: number): Promise<boolean> {
    return true;
  }
}

/** Resolves `Type.field` the way a GraphQL schema executor would: by metadata, on the instance. */
function fieldResolvers(app: INestApplication): Map<string, (...args: unknown[]) => Promise<unknown>> {
  const found = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  const scanner = app.get(MetadataScanner);
  for (const wrapper of app.get(DiscoveryService).getProviders()) {
    const instance = wrapper.instance as Record<string, (...args: unknown[]) => Promise<unknown>> | undefined;
    const type: string | undefined = wrapper.metatype && Reflect.getMetadata(RESOLVER, wrapper.metatype);
    if (!instance || !type) continue;
    for (const method of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const field: string | undefined = Reflect.getMetadata(FIELD, instance[method]!);
      if (field) found.set(`${type}.${field}`, (...args) => instance[method]!(...args));
    }
  }
  return found;
}

describe('@Cacheable on a resolver-style class', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await bootCacheApp({ providers: [AuthorResolver] }, { namespace: uniqueNamespace('resolver') });
  });

  afterAll(() => app.close());

  it('keeps the field metadata the executor looks for, on both sides of the cache decorators', () => {
    expect([...fieldResolvers(app).keys()].sort()).toEqual(['Author.author', 'Author.renameAuthor']);
  });

  it('caches field resolvers called by the executor, and evicts through a mutation', async () => {
    const resolvers = fieldResolvers(app);
    const log = app.get(AuthorResolver).log;
    expect(await resolvers.get('Author.author')!(1)).toEqual({ id: 1, name: 'Author 1' });
    expect(await resolvers.get('Author.author')!(1)).toEqual({ id: 1, name: 'Author 1' });
    expect(log.count('author:1')).toBe(1);
    expect(await resolvers.get('Author.renameAuthor')!(1)).toBe(true);
    await resolvers.get('Author.author')!(1);
    expect(log.count('author:1')).toBe(2);
  });
});
