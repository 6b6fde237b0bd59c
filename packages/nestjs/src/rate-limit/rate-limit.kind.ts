import type { Type } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { CacheBindingError } from '../binding/cache-binding.error.js';
import type { CacheMethodKind, MethodInvocation } from '../binding/cache-method-kind.js';
import type { MethodBinding } from '../binding/method-binding.js';
import { assertResolverPolicies, resolverRateLimitStep } from '../graphql/resolver-rate-limit.js';
import { RATE_LIMIT_POLICIES } from './rate-limit.constants.js';
import { RateLimitCoverage } from './rate-limit-coverage.js';
import { RateLimitEnforcer } from './rate-limit.enforcer.js';
import type { ResolvedRateLimitPolicy } from './rate-limit.policy.js';

type Options = readonly ResolvedRateLimitPolicy[];

/** What `ctx.getType()` answers in a `by`, `limit` or `skipIf` of a rate-limited method: there is no request. */
export const METHOD_CALL_CONTEXT = 'method';

const NOT_ON_GATEWAYS =
  '@RateLimit is not supported on a WebSocket gateway: a message has no client identity it could count by, ' +
  'and the refusal is an HTTP 429. Limit the service method the handler calls, with by: (ctx) => ... ' +
  '(a key from ctx.getArgs()), or check a RateLimiter by hand (@InjectRateLimiter()).';

/**
 * `@RateLimit` on a method. On a route handler, `RateLimitGuard` enforces it
 * (headers, client address): nothing runs at call time, and the scanner warns
 * when no guard covers the route. Anywhere else — services of any scope,
 * controller methods that are not routes, GraphQL resolvers — it is a step on
 * the trampoline: every policy is checked at once, and a refusal throws
 * `RateLimitExceededException` before the inner steps and the method run.
 */
export const rateLimitKind: CacheMethodKind<Options> = {
  decorator: '@RateLimit',
  metadataKey: RATE_LIMIT_POLICIES,

  validate(policies, site) {
    if (site.role === 'gateway') throw new CacheBindingError(site.displayName, NOT_ON_GATEWAYS);
    if (site.role === 'route') {
      const outer = site.decorators.slice(0, site.decorators.indexOf('@RateLimit'));
      if (outer.length > 0) {
        throw new CacheBindingError(
          site.displayName,
          `@RateLimit is written below ${outer.join(', ')}, but on a route RateLimitGuard runs before the handler, ` +
            'so the limit would apply first anyway. Write @RateLimit above them, or rate-limit the service method ' +
            'the route calls to count only what reaches it.',
        );
      }
      return;
    }
    for (const { name, ignoreUserAgents } of policies) {
      if (ignoreUserAgents === undefined) continue;
      throw new CacheBindingError(
        site.displayName,
        `@RateLimit("${name}") has ignoreUserAgents, which reads the User-Agent of an HTTP route's request; ` +
          'this method is not a route. Put the policy on the route, or leave callers out with skipIf: (ctx) => ...',
      );
    }
    if (site.role === 'resolver') return assertResolverPolicies(policies, site);
    for (const { name, by } of policies) {
      if (by === 'ip' || by === 'user') {
        throw new CacheBindingError(
          site.displayName,
          `@RateLimit("${name}") has by: '${by}', but a method called by code has no HTTP request to read it from. ` +
            'Give by a function of the call, e.g. by: (ctx) => String(ctx.getArgs()[0]).',
        );
      }
    }
  },

  compile(policies, binding, { moduleRef }, site) {
    if (site.role === 'route') return undefined;
    const enforcer = moduleRef.get(RateLimitEnforcer, { strict: false });
    // The method is the counted site: one quota per method, as a handler policy is one per handler.
    const scoped = policies.map((policy) => ({ policy, scope: binding.displayName }));
    if (site.role === 'resolver') {
      return resolverRateLimitStep(scoped, enforcer, site, (invocation) => callContext(invocation, binding));
    }
    return async (invocation, proceed) => {
      const { refusal } = await enforcer.check(scoped, callContext(invocation, binding));
      if (refusal) throw refusal;
      return proceed();
    };
  },

  discovered(_policies, site, { moduleRef, logger }) {
    if (site.role !== 'route') return;
    if (moduleRef.get(RateLimitCoverage, { strict: false }).covers(site.owner.classRef, site.handler)) return;
    logger.warn(uncoveredWarning(site.displayName, site.owner.className));
  },

  inspectClass(owner, { moduleRef, logger }) {
    if (!Reflect.hasOwnMetadata(RATE_LIMIT_POLICIES, owner.classRef)) return;
    if (owner.role === 'gateway') throw new CacheBindingError(owner.className, NOT_ON_GATEWAYS);
    if (owner.role !== 'controller') {
      throw new CacheBindingError(
        owner.className,
        '@RateLimit on a class limits the routes of a controller; this class has none. ' +
          'Put @RateLimit on each method to limit.',
      );
    }
    if (!moduleRef.get(RateLimitCoverage, { strict: false }).covers(owner.classRef)) {
      logger.warn(uncoveredWarning(owner.className, owner.className));
    }
  },
};

function uncoveredWarning(where: string, className: string): string {
  return (
    `${where}: @RateLimit is not enforced: no RateLimitGuard runs on this route. ` +
    `Add @UseGuards(RateLimitGuard) to ${className} (or the handler), register RateLimitGuard as APP_GUARD, ` +
    'or set rateLimit: { global: true } in CacheModule.forRoot.'
  );
}

/** The ExecutionContext `by`, `limit` and `skipIf` receive: `getArgs()` are the call's arguments. */
function callContext(invocation: MethodInvocation, binding: MethodBinding): ExecutionContextHost {
  const classRef = invocation.instance.constructor as Type;
  const context = new ExecutionContextHost(invocation.args, classRef, binding.trampoline);
  context.setType(METHOD_CALL_CONTEXT);
  return context;
}
