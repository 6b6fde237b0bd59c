import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { effectivePolicies, type ScopedPolicy } from './rate-limit-metadata.accessor.js';
import { headerSetter, writeHeaders, writeRateLimitHeaders, type HeaderSink } from './rate-limit-headers.js';
import { RateLimitEnforcer } from './rate-limit.enforcer.js';

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
    const response = context.getArgByIndex<HeaderSink>(1);
    if (verdict.refusal) {
      writeHeaders(response, verdict.refusal.headers);
      throw verdict.refusal;
    }
    // Admitted (nearly every request): the headers go straight to the response, no list built.
    writeRateLimitHeaders(verdict.outcomes, this.enforcer.options.headers, headerSetter(response));
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
