import 'reflect-metadata';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { testRedisUrl, uniqueNamespace } from '@cachet/testing';
import { CacheModule, type CacheModuleOptions } from '@cachet/nestjs';
import { initOrClose } from '../support/test-app.js';

/** A GraphQL server and the HTTP platform under it. */
export type GraphqlTransport = 'apollo-express' | 'apollo-fastify' | 'mercurius-fastify';

export const TRANSPORTS: GraphqlTransport[] = ['apollo-express', 'apollo-fastify', 'mercurius-fastify'];

export interface GraphqlResponse {
  status: number;
  headers: Record<string, string | undefined>;
  data: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

export interface GraphqlApp {
  app: INestApplication;
  /** Posts one operation, as a client on `clientIp` (the app trusts one proxy hop). */
  query(query: string, clientIp?: string, headers?: Record<string, string>): Promise<GraphqlResponse>;
  close(): Promise<void>;
}

function graphqlModule(transport: GraphqlTransport) {
  if (transport === 'mercurius-fastify') {
    return GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, autoSchemaFile: true });
  }
  return GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, graphiql: false });
}

/** Boots CacheModule (own namespace, the run's Redis) and GraphQL on the given transport. */
export async function bootGraphqlApp(
  transport: GraphqlTransport,
  metadata: ModuleMetadata,
  options: Partial<CacheModuleOptions> = {},
): Promise<GraphqlApp> {
  const moduleRef = await Test.createTestingModule({
    ...metadata,
    imports: [
      CacheModule.forRoot({
        redis: testRedisUrl(),
        namespace: uniqueNamespace('gql'),
        rateLimit: { trustProxy: 1 },
        ...options,
      }),
      graphqlModule(transport),
      ...(metadata.imports ?? []),
    ],
  }).compile();
  const app =
    transport === 'apollo-express'
      ? moduleRef.createNestApplication({ logger: false })
      : moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  await initOrClose(app);
  if (transport !== 'apollo-express') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  const server = app.getHttpServer() as App;
  return {
    app,
    async query(query, clientIp = '203.0.113.1', headers = {}) {
      const response = await request(server)
        .post('/graphql')
        .set({ ...headers, 'Content-Type': 'application/json', 'X-Forwarded-For': clientIp })
        .send({ query });
      const body = response.body as Omit<GraphqlResponse, 'status' | 'headers'>;
      return { status: response.status, headers: response.headers, ...body };
    },
    close: () => app.close(),
  };
}
