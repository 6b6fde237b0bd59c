import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { CACHE_RUNTIME } from '../cache.constants.js';
import { CacheMetadataAccessor } from './cache-metadata.accessor.js';
import type { CacheRuntime } from './cache.runtime.js';
import { ClassSite, MethodSite } from './method-site.js';

/**
 * The one walk over the app: every provider and controller, once, at
 * bootstrap. Each decorated method is validated and its plan compiled (so a
 * misuse fails `app.init()` with the `Class.method` it concerns), then handed
 * to its kinds for what they do outside calls (write-behind queues, route
 * checks). Request-scoped and transient classes are scanned through their
 * class, like singletons: nothing is skipped for its scope.
 */
@Injectable()
export class CacheExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: CacheMetadataAccessor,
    private readonly moduleRef: ModuleRef,
    @Inject(CACHE_RUNTIME) private readonly runtime: CacheRuntime,
  ) {}

  onModuleInit(): void {
    const { context } = this.runtime;
    const seenClasses = new Set<object>();
    const seenMethods = new Set<unknown>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const prototype = prototypeOf(wrapper);
      if (prototype === undefined || seenClasses.has(prototype)) continue;
      seenClasses.add(prototype);
      const owner = new ClassSite(prototype, wrapper, this.moduleRef);
      for (const kind of this.accessor.kinds) kind.inspectClass?.(owner, context);
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const fn: unknown = (prototype as Record<string, unknown>)[name];
        if (typeof fn !== 'function') continue;
        const operations = this.accessor.operationsOf(fn);
        if (operations.length === 0) continue;
        const binding = this.accessor.bindingOf(fn);
        const decorators = operations.map(({ kind }) => kind.decorator);
        const site = new MethodSite(owner, name, fn as MethodSite['handler'], decorators, binding);
        // A method is checked and compiled once; a base class's method is a site of every class that inherits it
        // (each subclass's writes are its own queue writer, each controller's route its own coverage question).
        if (!seenMethods.has(fn)) {
          seenMethods.add(fn);
          if (binding) this.runtime.prepare(binding, site);
          else for (const { kind, options } of operations) kind.validate(options, site);
        }
        for (const { kind, options } of operations) kind.discovered?.(options, site, context);
      }
    }
    for (const kind of this.accessor.kinds) kind.scanned?.(context);
  }
}

/** The class prototype Nest builds instances from, or the prototype of a value it was given. */
function prototypeOf(wrapper: InstanceWrapper): object | undefined {
  const { metatype, inject, instance } = wrapper;
  if (typeof metatype === 'function' && !inject && metatype.prototype) return metatype.prototype as object;
  if (instance !== null && typeof instance === 'object') return Object.getPrototypeOf(instance) ?? undefined;
  return undefined;
}
