import { CacheConfigError } from '@cachet/core';
import { bindCacheMethod } from '../binding/cache-method.binder.js';
import { RATE_LIMIT_POLICIES, RATE_LIMIT_SKIP } from './rate-limit.constants.js';
import { resolveRateLimitPolicies, type RateLimitPolicy } from './rate-limit.policy.js';

/** `true`: skip every inherited policy; a list: skip those names. */
export type RateLimitSkip = true | readonly string[];

type ClassOrMethodDecorator = (target: object, propertyKey?: string | symbol, descriptor?: PropertyDescriptor) => void;

/**
 * Limits a controller class, a route handler or a service method (also on
 * request-scoped and transient providers, and GraphQL resolvers). Policies
 * are validated here, so a bad one fails at import time with its site named.
 * On a method it runs where it is written among the other method decorators
 * (outermost first): above `@Cacheable` every call is counted, below it only
 * cache misses are.
 * A method's policy replaces the class policy of the same name; every policy
 * that applies must pass; a policy applies only where it is declared.
 *
 * ```ts
 * @RateLimit([{ name: 'burst', limit: 5, window: '1s' }, { name: 'hourly', limit: 100, window: '1h' }])
 * ```
 */
export function RateLimit(policies: RateLimitPolicy | RateLimitPolicy[]): ClassOrMethodDecorator {
  return (target, propertyKey, descriptor) => {
    const site = siteOf(target, propertyKey);
    const resolved = resolveRateLimitPolicies(policies, `@RateLimit on ${site}`);
    const holder = descriptor?.value ?? target;
    if (Reflect.hasOwnMetadata(RATE_LIMIT_POLICIES, holder)) {
      throw new CacheConfigError(`@RateLimit on ${site}`, policies, 'one @RateLimit per site (pass an array)');
    }
    // On a method, one more behaviour on the shared trampoline: where it sits among the other decorators
    // is the order it runs in. A class keeps its policies for the guard (and the scanner's checks).
    if (propertyKey !== undefined && descriptor !== undefined) {
      bindCacheMethod('@RateLimit', RATE_LIMIT_POLICIES, resolved)(target, propertyKey, descriptor);
    } else Reflect.defineMetadata(RATE_LIMIT_POLICIES, resolved, holder);
  };
}

/**
 * Leaves out policies inherited from an outer level: on a handler, the class
 * and global ones; on a class, the global ones. Without names, all of them.
 */
export function SkipRateLimit(names?: string | string[]): ClassOrMethodDecorator {
  return (target, propertyKey, descriptor) => {
    const skip: RateLimitSkip = names === undefined ? true : Array.isArray(names) ? [...names] : [names];
    if (skip !== true && skip.some((name) => typeof name !== 'string' || name === '')) {
      throw new CacheConfigError(`@SkipRateLimit on ${siteOf(target, propertyKey)}`, names, 'policy names');
    }
    Reflect.defineMetadata(RATE_LIMIT_SKIP, skip, descriptor?.value ?? target);
  };
}

function siteOf(target: object, propertyKey?: string | symbol): string {
  const className = typeof target === 'function' ? target.name : target.constructor.name;
  return propertyKey === undefined ? className : `${className}.${String(propertyKey)}`;
}
