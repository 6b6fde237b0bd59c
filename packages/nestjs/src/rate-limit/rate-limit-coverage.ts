import { Inject, Injectable, type Type } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { APP_GUARD, DiscoveryService } from '@nestjs/core';
import { RATE_LIMIT_OPTIONS } from './rate-limit.constants.js';
import type { ResolvedRateLimitModuleOptions } from './rate-limit-module.options.js';
import { GlobalRateLimitGuard, RateLimitGuard } from './rate-limit.guard.js';

/**
 * Whether `RateLimitGuard` runs on a route: `rateLimit.global`, the guard
 * registered under `APP_GUARD`, or `@UseGuards(RateLimitGuard)` on the class
 * or the handler. A `@RateLimit` route it does not cover is limited by
 * nothing, so the scanner warns about it at bootstrap.
 */
@Injectable()
export class RateLimitCoverage {
  private appWide: boolean | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(RATE_LIMIT_OPTIONS) private readonly options: ResolvedRateLimitModuleOptions,
  ) {}

  covers(classRef: Type, handler?: object): boolean {
    this.appWide ??= this.options.global || this.hasAppGuard();
    return this.appWide || namesGuard(classRef) || (handler !== undefined && namesGuard(handler));
  }

  private hasAppGuard(): boolean {
    return this.discovery.getProviders().some((wrapper) => {
      // Nest files APP_GUARD providers under `APP_GUARD (UUID: ...)`.
      if (typeof wrapper.token !== 'string' || !wrapper.token.startsWith(APP_GUARD)) return false;
      return isEnforcingGuard(wrapper.instance) || isEnforcingGuard(wrapper.metatype);
    });
  }
}

function namesGuard(target: object): boolean {
  const guards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, target) ?? [];
  return guards.some(isEnforcingGuard);
}

/** `RateLimitGuard` (or a subclass, or an instance); `GlobalRateLimitGuard` only acts with `rateLimit.global`. */
function isEnforcingGuard(guard: unknown): boolean {
  if (guard instanceof RateLimitGuard) return !(guard instanceof GlobalRateLimitGuard);
  if (typeof guard !== 'function') return false;
  const isGlobal = guard === GlobalRateLimitGuard || guard.prototype instanceof GlobalRateLimitGuard;
  return !isGlobal && (guard === RateLimitGuard || guard.prototype instanceof RateLimitGuard);
}
