import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { effectivePolicies, type ScopedPolicy } from './rate-limit-metadata.accessor.js';
import { rateLimitHeaders, writeHeaders, type HeaderSink } from './rate-limit-headers.js';
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
    const http = context.switchToHttp();
    const request = http.getRequest<object>();
    if (!this.enforcer.claim(request)) return true;

    const verdict = await this.enforcer.check(policies, context);
    const headers = verdict.refusal?.headers ?? rateLimitHeaders(verdict.outcomes, this.enforcer.options.headers);
    writeHeaders(http.getResponse<HeaderSink>(), headers);
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
