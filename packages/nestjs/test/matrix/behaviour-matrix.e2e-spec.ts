import { uniqueNamespace } from '@cachet/testing';
import 'reflect-metadata';
import type { INestApplication, ModuleMetadata, Type } from '@nestjs/common';
import { ContextIdFactory } from '@nestjs/core';
import request from 'supertest';
import {
  RateLimitExceededException,
  RateLimitExceededGraphqlError,
  WriteBehindOrchestrator,
  type CacheModuleOptions,
} from '../../src/index.js';
import { ADAPTERS, bootHttpApp, type AdapterName } from '../support/http-app.js';
import { bootCacheApp } from '../support/test-app.js';
import {
  ControllerHolder,
  Journal,
  LIMIT,
  RequestScopedHolder,
  ResolverHolder,
  SingletonHolder,
  TransientHolder,
} from './behaviour-holders.js';

/** How a cell reaches a holder's decorated method: the way its framework or its callers would. */
interface Caller {
  limited(app: INestApplication, x: string): Promise<{ ok: true } | { status: number; retryAfter: number }>;
  load(app: INestApplication, x: string): Promise<{ x: string; load: number }>;
  save(app: INestApplication, x: string): Promise<void>;
}

type ServiceHolder = SingletonHolder | RequestScopedHolder | TransientHolder;

/** A provider called by code; `instance` gives the instance each call runs on. */
function serviceCaller(instance: (app: INestApplication) => Promise<ServiceHolder>): Caller {
  return {
    async limited(app, x) {
      try {
        await (await instance(app)).limited(x);
        return { ok: true };
      } catch (error) {
        if (!(error instanceof RateLimitExceededException)) throw error;
        return { status: error.getStatus(), retryAfter: error.retryAfterSeconds };
      }
    },
    async load(app, x) {
      return (await instance(app)).load(x);
    },
    async save(app, x) {
      await (await instance(app)).save(x);
    },
  };
}

const resolverCaller: Caller = {
  async limited(app, viewer) {
    try {
      await app.get(ResolverHolder).limited({}, viewer);
      return { ok: true };
    } catch (error) {
      // A resolver refuses with a GraphQL error (test/graphql shows it through a server): its 429 is the code.
      if (!(error instanceof RateLimitExceededGraphqlError)) throw error;
      const { code, retryAfter } = error.extensions;
      return { status: code === 'TOO_MANY_REQUESTS' ? 429 : 500, retryAfter };
    }
  },
  load: (app, x) => app.get(ResolverHolder).load({}, x),
  save: (app, x) => app.get(ResolverHolder).save({}, x),
};

const controllerCaller: Caller = {
  async limited(app, x) {
    const response = await request(app.getHttpServer()).get(`/holder/limited/${x}`);
    if (response.status === 200) return { ok: true };
    return { status: response.status, retryAfter: Number(response.headers['retry-after']) };
  },
  async load(app, x) {
    const response = await request(app.getHttpServer()).get(`/holder/load/${x}`).expect(200);
    return response.body as { x: string; load: number };
  },
  async save(app, x) {
    await request(app.getHttpServer()).post(`/holder/save/${x}`).expect(201);
  },
};

/** How a cell's app is booted: services on a plain app, the controller on each HTTP adapter. */
type Boot = (metadata: ModuleMetadata, options: CacheModuleOptions) => Promise<INestApplication>;

const onAdapter =
  (adapter: AdapterName): Boot =>
  (metadata, options) =>
    bootHttpApp(adapter, metadata, options);

const holders: Array<[string, Type, Caller, Boot]> = [
  ['a singleton provider', SingletonHolder, serviceCaller(async (app) => app.get(SingletonHolder)), bootCacheApp],
  [
    'a request-scoped provider (a new instance per call)',
    RequestScopedHolder,
    serviceCaller((app) => app.resolve(RequestScopedHolder, ContextIdFactory.create())),
    bootCacheApp,
  ],
  [
    'a transient provider (a new instance per call)',
    TransientHolder,
    serviceCaller((app) => app.resolve(TransientHolder)),
    bootCacheApp,
  ],
  ['a resolver-shaped class', ResolverHolder, resolverCaller, bootCacheApp],
  ...ADAPTERS.map((adapter): [string, Type, Caller, Boot] => [
    `a controller (over HTTP, ${adapter})`,
    ControllerHolder,
    controllerCaller,
    onAdapter(adapter),
  ]),
];

describe.each(holders)('behaviours on %s', (_label, holder, caller, boot) => {
  let app: INestApplication;
  let journal: Journal;

  beforeAll(async () => {
    const isController = holder === ControllerHolder;
    app = await boot(
      { providers: [Journal, ...(isController ? [] : [holder])], controllers: isController ? [holder] : [] },
      { namespace: uniqueNamespace('matrix'), writeBehind: { flushInterval: '1h' } },
    );
    journal = app.get(Journal);
  });

  afterAll(() => app.close());

  it(`@RateLimit: call ${LIMIT + 1} is refused with a 429 carrying Retry-After`, async () => {
    for (let call = 1; call <= LIMIT; call++) expect(await caller.limited(app, 'x')).toEqual({ ok: true });
    const refused = await caller.limited(app, 'x');
    expect(refused).toEqual({ status: 429, retryAfter: expect.any(Number) });
    expect((refused as { retryAfter: number }).retryAfter).toBeGreaterThanOrEqual(1);
  });

  it('@Cacheable: the second call is a hit', async () => {
    const first = await caller.load(app, 'a');
    const second = await caller.load(app, 'a');
    expect(first).toEqual({ x: 'a', load: 1 });
    expect(second).toEqual(first);
    expect(journal.count('load:a')).toBe(1);
  });

  it('@WriteBehind: the write reaches the persisting method', async () => {
    await caller.save(app, 'w');
    // Recorded, not run: the method is the persister, and only the flusher (here, on demand) calls it.
    expect(journal.count('persisted:w')).toBe(0);
    await app.get(WriteBehindOrchestrator).drain(5_000);
    expect(journal.count('persisted:w')).toBe(1);
  });
});
