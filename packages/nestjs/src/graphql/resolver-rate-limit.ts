import type { ExecutionContext } from '@nestjs/common';
import { CacheBindingError } from '../binding/cache-binding.error.js';
import type { MethodInterceptor, MethodInvocation } from '../binding/cache-method-kind.js';
import type { MethodSite } from '../binding/method-site.js';
import { clientIdentity, type IdentifiedRequest } from '../rate-limit/client-identity.js';
import type { ScopedPolicy } from '../rate-limit/rate-limit-metadata.accessor.js';
import type { RateLimitEnforcer } from '../rate-limit/rate-limit.enforcer.js';
import type { ResolvedRateLimitPolicy } from '../rate-limit/rate-limit.policy.js';
import { contextArgumentOf, type GraphqlContextLike } from './graphql-context-argument.js';
import { RateLimitExceededGraphqlError } from './rate-limit-exceeded.graphql-error.js';

/**
 * Checked at bootstrap: `by: 'ip' | 'user'` on a resolver count the client of
 * the HTTP request the GraphQL context holds, so the method must receive the
 * context.
 */
export function assertResolverPolicies(policies: readonly ResolvedRateLimitPolicy[], site: MethodSite): void {
  const client = policies.find(({ by }) => by === 'ip' || by === 'user');
  if (client === undefined || contextArgumentOf(site) !== undefined) return;
  throw new CacheBindingError(
    site.displayName,
    `@RateLimit("${client.name}") has by: '${String(client.by)}', which counts the client of the HTTP request ` +
      'in the GraphQL context, but the resolver does not receive the context. Add a @Context() parameter ' +
      '(it may go unused: @Context() _context: unknown), or give by a function of the arguments, ' +
      'e.g. by: (ctx) => String(ctx.getArgs()[0]).',
  );
}

/**
 * `@RateLimit` on a GraphQL resolver field (query, mutation or field
 * resolver): a step on the trampoline, as on any method, where `by: 'ip' |
 * 'user'` read the GraphQL context's `req`, and a refusal is a
 * `RateLimitExceededGraphqlError` (extensions `code: 'TOO_MANY_REQUESTS'`,
 * `retryAfter`), with `Retry-After` on the HTTP response: on the response
 * the context holds, else through `extensions.http` (Apollo Server).
 */
export function resolverRateLimitStep(
  scoped: readonly ScopedPolicy[],
  enforcer: RateLimitEnforcer,
  site: MethodSite,
  callContext: (invocation: MethodInvocation) => ExecutionContext,
): MethodInterceptor {
  const contextArgument = contextArgumentOf(site);
  const { clientAddress } = enforcer.options;
  const policies = scoped.map(({ policy, scope }): ScopedPolicy => {
    const { by } = policy;
    if (contextArgument === undefined || (by !== 'ip' && by !== 'user')) return { policy, scope };
    const client = (ctx: ExecutionContext) =>
      clientIdentity(by, requestOf(contextArgument(ctx.getArgs()), site), clientAddress);
    return { policy: { ...policy, by: client }, scope };
  });
  return async (invocation, proceed) => {
    const { refusal } = await enforcer.check(policies, callContext(invocation));
    if (refusal === undefined) return proceed();
    const headerSet = setRetryAfter(contextArgument?.(invocation.args), refusal.retryAfterSeconds);
    throw new RateLimitExceededGraphqlError(refusal, { httpHeaders: !headerSet });
  };
}

function requestOf(context: GraphqlContextLike | undefined, site: MethodSite): IdentifiedRequest {
  if (context?.req) return context.req;
  throw new CacheBindingError(
    site.displayName,
    "@RateLimit with by: 'ip' | 'user' found no req in the GraphQL context. Keep the request in the context " +
      '(GraphQLModule.forRoot({ context: ({ req }) => ({ req }) }), which the Apollo and Mercurius drivers do by default).',
  );
}

/** On the response the context holds (Mercurius's `reply`, a `res`, Express's `req.res`); false when it holds none. */
function setRetryAfter(context: GraphqlContextLike | undefined, seconds: number): boolean {
  const sink = context?.reply ?? context?.res ?? context?.req?.res;
  if (typeof sink?.header === 'function') sink.header('Retry-After', String(seconds));
  else if (typeof sink?.setHeader === 'function') sink.setHeader('Retry-After', String(seconds));
  else return false;
  return true;
}
