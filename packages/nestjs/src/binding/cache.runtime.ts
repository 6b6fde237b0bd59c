import type { Cache } from '@cachet/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CACHE_INSTANCE, CACHE_MODULE_OPTIONS } from '../cache.constants.js';
import type { ResolvedCacheModuleOptions } from '../module/cache-module.options.js';
import { assertAsyncMethod } from './async-method.js';
import { CacheMetadataAccessor } from './cache-metadata.accessor.js';
import type { CacheMethodContext, MethodInterceptor } from './cache-method-kind.js';
import type { BoundRuntime, MethodBinding } from './method-binding.js';

type MethodPlan = (instance: object, args: unknown[]) => Promise<unknown>;

/**
 * The app's side of every decorated method. Nest injects it into each
 * instance it builds; the trampoline hands it the call. Plans are compiled
 * once per method (by the explorer at bootstrap) and kept here, so two apps in
 * one process never share one.
 */
@Injectable()
export class CacheRuntime implements BoundRuntime {
  private readonly plans = new WeakMap<MethodBinding, MethodPlan>();
  private readonly context: CacheMethodContext;

  constructor(
    @Inject(CACHE_INSTANCE) cache: Cache,
    @Inject(CACHE_MODULE_OPTIONS) options: ResolvedCacheModuleOptions,
    private readonly accessor: CacheMetadataAccessor,
    moduleRef: ModuleRef,
  ) {
    this.context = { cache, options, moduleRef, logger: new Logger('Cachet') };
  }

  /** Validates a decorated method and compiles its plan; throws naming `Class.method`. */
  prepare(binding: MethodBinding): void {
    if (!this.plans.has(binding)) this.plans.set(binding, this.compile(binding));
  }

  invoke(binding: MethodBinding, instance: object, args: unknown[]): Promise<unknown> {
    // A method the explorer never saw (a class outside the container's providers) is compiled on first use.
    let plan = this.plans.get(binding);
    if (plan === undefined) {
      try {
        this.prepare(binding);
      } catch (error) {
        return Promise.reject(error);
      }
      plan = this.plans.get(binding)!;
    }
    return plan(instance, args);
  }

  private compile(binding: MethodBinding): MethodPlan {
    const operations = this.accessor.operationsOf(binding);
    assertAsyncMethod(
      binding,
      operations.map((operation) => operation.kind.decorator),
    );
    const steps: MethodInterceptor[] = operations.map(({ kind, options }) => {
      kind.validate(options, binding);
      return kind.compile(options, binding, this.context);
    });
    const { original } = binding;
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
