import type { Cache } from '@cachet/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CACHE_INSTANCE, CACHE_MODULE_OPTIONS } from '../cache.constants.js';
import type { ResolvedCacheModuleOptions } from '../module/cache-module.options.js';
import { assertAsyncMethod } from './async-method.js';
import { CacheMetadataAccessor } from './cache-metadata.accessor.js';
import type { CacheMethodContext, MethodInterceptor } from './cache-method-kind.js';
import type { BoundRuntime, MethodBinding } from './method-binding.js';
import { ClassSite, MethodSite } from './method-site.js';

type MethodPlan = (instance: object, args: unknown[]) => unknown;

/**
 * The app's side of every decorated method. Nest injects it into each
 * instance it builds; the trampoline hands it the call. Plans are compiled
 * once per method (by the scanner at bootstrap) and kept here, so two apps in
 * one process never share one.
 */
@Injectable()
export class CacheRuntime implements BoundRuntime {
  private readonly plans = new WeakMap<MethodBinding, MethodPlan>();
  readonly context: CacheMethodContext;

  constructor(
    @Inject(CACHE_INSTANCE) cache: Cache,
    @Inject(CACHE_MODULE_OPTIONS) options: ResolvedCacheModuleOptions,
    private readonly accessor: CacheMetadataAccessor,
    moduleRef: ModuleRef,
  ) {
    this.context = { cache, options, moduleRef, logger: new Logger('Cachet') };
  }

  /** Validates a decorated method and compiles its plan; throws naming `Class.method`. */
  prepare(binding: MethodBinding, site: MethodSite): void {
    if (!this.plans.has(binding)) this.plans.set(binding, this.compile(binding, site));
  }

  invoke(binding: MethodBinding, instance: object, args: unknown[]): unknown {
    // A method the scanner never saw (a class outside the container's providers) is compiled on first use.
    let plan = this.plans.get(binding);
    if (plan === undefined) {
      try {
        this.prepare(binding, this.siteOf(binding));
      } catch (error) {
        return Promise.reject(error);
      }
      plan = this.plans.get(binding)!;
    }
    return plan(instance, args);
  }

  /** The site of a method found outside the container: known by its class alone. */
  siteOf(binding: MethodBinding): MethodSite {
    const operations = this.accessor.operationsOf(binding.trampoline);
    const owner = new ClassSite(binding.prototype, undefined, undefined);
    const decorators = operations.map(({ kind }) => kind.decorator);
    return new MethodSite(owner, binding.propertyKey, binding.trampoline, decorators, binding);
  }

  private compile(binding: MethodBinding, site: MethodSite): MethodPlan {
    const operations = this.accessor.operationsOf(binding.trampoline);
    const steps: MethodInterceptor[] = [];
    const wrapping: string[] = [];
    for (const { kind, options } of operations) {
      kind.validate(options, site);
      const step = kind.compile?.(options, binding, this.context, site);
      if (step === undefined) continue;
      steps.push(step);
      wrapping.push(kind.decorator);
    }
    const { original } = binding;
    // Nothing to do around the call here (a route whose guard enforces @RateLimit): the method runs as written.
    if (steps.length === 0) return (instance, args) => original.apply(instance, args);
    assertAsyncMethod(binding, wrapping);
    return (instance, args) => {
      const run = (index: number): Promise<unknown> => {
        if (index === steps.length) return callOriginal(original, instance, args);
        try {
          return steps[index]!({ instance, args, binding }, () => run(index + 1));
        } catch (error) {
          // A decorated method is async: even a bad key is a rejection, never a synchronous throw.
          return Promise.reject(error);
        }
      };
      return run(0);
    };
  }
}

async function callOriginal(original: MethodBinding['original'], instance: object, args: unknown[]): Promise<unknown> {
  return original.apply(instance, args);
}
