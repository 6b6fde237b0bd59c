import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { CACHE_RUNTIME } from '../cache.constants.js';
import { CacheMetadataAccessor } from './cache-metadata.accessor.js';
import type { CacheRuntime } from './cache.runtime.js';
import type { MethodBinding } from './method-binding.js';

/**
 * Finds every decorated method of the app's providers and controllers at
 * bootstrap, validates it and compiles its plan, so a misuse fails `app.init()`
 * with the `Class.method` it concerns instead of failing a request later.
 * Request-scoped classes are scanned through their class, like singletons.
 */
@Injectable()
export class CacheExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: CacheMetadataAccessor,
    @Inject(CACHE_RUNTIME) private readonly runtime: CacheRuntime,
  ) {}

  onModuleInit(): void {
    const seen = new Set<MethodBinding>();
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      const prototype = prototypeOf(wrapper);
      if (prototype === undefined) continue;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const binding = this.accessor.bindingOf((prototype as Record<string, unknown>)[name]);
        if (binding === undefined || seen.has(binding)) continue;
        seen.add(binding);
        this.runtime.prepare(binding);
      }
    }
  }
}

/** The class prototype Nest builds instances from, or the prototype of a value it was given. */
function prototypeOf(wrapper: InstanceWrapper): object | undefined {
  const { metatype, inject, instance } = wrapper;
  if (typeof metatype === 'function' && !inject && metatype.prototype) return metatype.prototype as object;
  if (instance !== null && typeof instance === 'object') return Object.getPrototypeOf(instance) ?? undefined;
  return undefined;
}
