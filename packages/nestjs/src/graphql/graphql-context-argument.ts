import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { MethodSite } from '../binding/method-site.js';
import type { IdentifiedRequest } from '../rate-limit/client-identity.js';

/** `GqlParamtype.CONTEXT` of `@nestjs/graphql` (its parameter metadata shares Nest's route-arguments key). */
const CONTEXT_PARAMTYPE = '1';

/** Where a resolver's raw arguments `(root, args, context, info)` keep the context. */
const RAW_CONTEXT_INDEX = 2;

/** An Express response or a Fastify reply. */
export interface HeaderSink {
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
}

/** What Cachet reads from a GraphQL context: the HTTP request, and the response where the server puts it. */
export interface GraphqlContextLike {
  req?: IdentifiedRequest & { res?: HeaderSink };
  res?: HeaderSink;
  /** Mercurius: the Fastify reply. */
  reply?: HeaderSink;
}

/** Picks the GraphQL context (or its `req`) out of one call's arguments. */
export type ContextArgument = (args: readonly unknown[]) => GraphqlContextLike | undefined;

/**
 * Where a resolver method receives the GraphQL context, read at bootstrap
 * from the parameter metadata `@nestjs/graphql` keeps: a `@Context()` (or
 * `@Context('req')`) parameter, or, for a method without parameter
 * decorators, the third of the raw resolver arguments. `undefined` when the
 * method does not receive it (its other parameters are `@Args`, `@Parent`...).
 */
export function contextArgumentOf(site: MethodSite): ContextArgument | undefined {
  const params = Reflect.getMetadata(ROUTE_ARGS_METADATA, site.owner.classRef, site.propertyKey) as
    Record<string, { index: number; data?: unknown }> | undefined;
  if (params === undefined || Object.keys(params).length === 0) return (args) => asContext(args[RAW_CONTEXT_INDEX]);
  for (const [key, { index, data }] of Object.entries(params)) {
    if (key.split(':')[0] !== CONTEXT_PARAMTYPE) continue;
    if (data === undefined) return (args) => asContext(args[index]);
    if (data === 'req') return (args) => asContext({ req: args[index] });
  }
  return undefined;
}

function asContext(value: unknown): GraphqlContextLike | undefined {
  return value !== null && typeof value === 'object' ? (value as GraphqlContextLike) : undefined;
}
