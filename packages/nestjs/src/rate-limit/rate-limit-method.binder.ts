import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { CacheConfigError } from '@cachet/core';
import { effectivePolicies, hasRateLimit } from './rate-limit-metadata.accessor.js';
import { RateLimitEnforcer } from './rate-limit.enforcer.js';

type Method = (...args: unknown[]) => unknown;

/**
 * Applies `@RateLimit` on service methods (providers, not controllers: the
 * guard owns those). The instance's method is replaced by one that checks the
 * policies first and throws RateLimitExceededException when refused; name and
 * metadata are kept. `by` receives an ExecutionContext whose `getArgs()` are
 * the call's arguments; without `by`, callers share one quota.
 */
@Injectable()
export class RateLimitMethodBinder implements OnModuleInit {
  constructor(
    private readonly modules: ModulesContainer,
    private readonly enforcer: RateLimitEnforcer,
  ) {}

  onModuleInit(): void {
    const seen = new Set<object>();
    for (const module of this.modules.values()) {
      for (const wrapper of module.providers.values()) {
        const instance = wrapper.instance as Record<string, unknown> | null | undefined;
        if (!instance || typeof instance !== 'object' || seen.has(instance) || !wrapper.isDependencyTreeStatic()) {
          continue;
        }
        seen.add(instance);
        this.bindInstance(instance);
      }
    }
  }

  private bindInstance(instance: Record<string, unknown>): void {
    const classRef = instance.constructor as Method;
    const seen = new Set<string>();
    for (
      let prototype = Object.getPrototypeOf(instance) as object | null;
      prototype && prototype !== Object.prototype;
    ) {
      for (const name of Object.getOwnPropertyNames(prototype)) {
        if (name === 'constructor' || seen.has(name)) continue;
        seen.add(name);
        // Descriptors, not property reads: a getter must not run at bootstrap.
        const original = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
        if (typeof original !== 'function' || !hasRateLimit(classRef, original)) continue;
        // Wrap what the instance answers today (another binder may have wrapped it already).
        const current = (Object.getOwnPropertyDescriptor(instance, name)?.value as Method | undefined) ?? original;
        this.bindMethod(instance, classRef, name, original as Method, current as Method);
      }
      prototype = Object.getPrototypeOf(prototype) as object | null;
    }
  }

  private bindMethod(
    instance: Record<string, unknown>,
    classRef: Method,
    name: string,
    original: Method,
    current: Method,
  ): void {
    const policies = effectivePolicies([], classRef, original);
    for (const { policy } of policies) {
      if (policy.by === 'ip' || policy.by === 'user') {
        throw new CacheConfigError(
          `@RateLimit("${policy.name}").by on ${classRef.name}.${name}`,
          policy.by,
          'a function of the call (ctx.getArgs()) on a service method: there is no HTTP request to read',
        );
      }
    }
    const enforcer = this.enforcer;
    const bound = {
      async [name](this: unknown, ...args: unknown[]): Promise<unknown> {
        const context = new ExecutionContextHost(args, classRef as never, original);
        const { refusal } = await enforcer.check(policies, context);
        if (refusal) throw refusal;
        return current.apply(this, args);
      },
    }[name]!;
    for (const key of Reflect.getOwnMetadataKeys(original)) {
      Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, original), bound);
    }
    instance[name] = bound;
  }
}
