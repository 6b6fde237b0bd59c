import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { effectivePolicies, type ScopedPolicy } from './rate-limit-metadata.accessor.js';
import { writeRateLimitHeaders, type HeaderSink } from './rate-limit-headers.js';
import { RateLimitEnforcer } from './rate-limit.enforcer.js';

interface HttpResponseLike {
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
}

/** Express and Fastify responses have `header()`; a bare Node response `setHeader()`. */
function headerSink(response: HttpResponseLike): HeaderSink {
  if (typeof response.header === 'function') return (name, value) => response.header!(name, value);
  return (name, value) => response.setHeader?.(name, value);
}

/**
 * Enforces `@RateLimit` on HTTP routes (Express and Fastify): sets the
 * rate-limit headers and refuses with 429 (or 503 when Redis cannot answer
 * and `failOpen` is off). Runs once per request however many times it is
 * registered, so a global guard plus `@UseGuards(RateLimitGuard)` never
 * counts a request twice.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly plans = new WeakMap<object, WeakMap<object, ScopedPolicy[]>>();

  constructor(protected readonly enforcer: RateLimitEnforcer) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const policies = this.policiesOf(context);
    if (policies.length === 0) return true;
    // Request and response are the first two handler arguments (`switchToHttp()` builds closures per call).
    const request = context.getArgByIndex<object>(0);
    if (!this.enforcer.claim(request)) return true;

    const verdict = await this.enforcer.check(policies, context);
    writeRateLimitHeaders(verdict.outcomes, this.enforcer.options.headers, headerSink(context.getArgByIndex(1)));
    if (verdict.refusal) throw verdict.refusal;
    return true;
  }

  private policiesOf(context: ExecutionContext): ScopedPolicy[] {
    const classRef = context.getClass();
    const handler = context.getHandler();
    let plans = this.plans.get(classRef);
    if (!plans) this.plans.set(classRef, (plans = new WeakMap()));
    let plan = plans.get(handler);
    if (!plan) plans.set(handler, (plan = effectivePolicies(this.enforcer.options.globalPolicies, classRef, handler)));
    return plan;
  }
}

/** The guard as registered under APP_GUARD: idle unless `rateLimit.global` is set. */
@Injectable()
export class GlobalRateLimitGuard extends RateLimitGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    return this.enforcer.options.global ? super.canActivate(context) : true;
  }
}
