import { RATE_LIMIT_POLICIES, RATE_LIMIT_SKIP } from './rate-limit.constants.js';
import type { RateLimitSkip } from './rate-limit.decorator.js';
import type { ResolvedRateLimitPolicy } from './rate-limit.policy.js';

/**
 * A policy and the site it was declared on. The site is part of the counted
 * subject: a class policy is one quota across the class's handlers, a method
 * policy one quota for that method, a global policy one quota per client.
 */
export interface ScopedPolicy {
  policy: ResolvedRateLimitPolicy;
  scope: string;
}

/** Reads `@RateLimit` / `@SkipRateLimit` and merges global, class and method levels, innermost winning by name. */
export function effectivePolicies(
  globalPolicies: readonly ResolvedRateLimitPolicy[],
  classRef: { name: string },
  handler: { name: string },
): ScopedPolicy[] {
  const byName = new Map<string, ScopedPolicy>();
  for (const policy of globalPolicies) byName.set(policy.name, { policy, scope: '*' });
  // The class level is read as Nest reads `@UseGuards`: a base controller's declarations apply to its subclasses.
  const levels: Array<[object, string, typeof Reflect.getMetadata]> = [
    [classRef, classRef.name, Reflect.getMetadata],
    [handler, `${classRef.name}.${handler.name}`, Reflect.getOwnMetadata],
  ];
  for (const [holder, scope, read] of levels) {
    // A skip at one level removes what the outer levels declared, never the level's own policies.
    const skip = read(RATE_LIMIT_SKIP, holder) as RateLimitSkip | undefined;
    if (skip === true) byName.clear();
    else for (const name of skip ?? []) byName.delete(name);
    const declared = read(RATE_LIMIT_POLICIES, holder) as ResolvedRateLimitPolicy[] | undefined;
    for (const policy of declared ?? []) byName.set(policy.name, { policy, scope });
  }
  return [...byName.values()];
}

/** True when the method or its class (or a class it extends) carries `@RateLimit`. */
export function hasRateLimit(classRef: object, handler: object): boolean {
  return Reflect.hasMetadata(RATE_LIMIT_POLICIES, classRef) || Reflect.hasOwnMetadata(RATE_LIMIT_POLICIES, handler);
}
