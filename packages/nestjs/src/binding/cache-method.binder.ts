import { Inject } from '@nestjs/common';
import { PROPERTY_DEPS_METADATA } from '@nestjs/common/constants.js';
import { CACHE_RUNTIME } from '../cache.constants.js';
import { CacheBindingError } from './cache-binding.error.js';
import { MethodBinding, RUNTIME_PROPERTY, UnboundCalls } from './method-binding.js';

/** Per-class record of the unbound-call warning, kept on the class itself (no process-wide registry). */
const UNBOUND_CALLS_METADATA = Symbol('cachet:unbound-calls');

/**
 * What every Cachet method decorator does when a class is defined, and nothing more:
 * record its options under its own metadata key, stand one shared trampoline
 * in for the method, and ask Nest to inject the app's runtime into every
 * instance it builds. The runtime (one per app) does the work at call time.
 */
export function bindCacheMethod(decorator: string, metadataKey: symbol, options: object): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    const where = `${describeTarget(target)}.${String(propertyKey)}`;
    if (typeof target === 'function') {
      throw new CacheBindingError(where, `${decorator} cannot decorate a static method; use it on an instance method.`);
    }
    const current: unknown = descriptor.value;
    if (typeof current !== 'function') {
      throw new CacheBindingError(where, `${decorator} decorates methods only.`);
    }
    injectRuntime(target);
    const binding =
      MethodBinding.of(current) ?? new MethodBinding(target, propertyKey, current as never, unboundCalls(target));
    if (Reflect.hasOwnMetadata(metadataKey, binding.trampoline)) {
      throw new CacheBindingError(where, `${decorator} is applied twice; merge the options into one decorator.`);
    }
    Reflect.defineMetadata(metadataKey, options, binding.trampoline);
    binding.applied.push(metadataKey);
    // Decorators above this one write onto the trampoline; those below wrote onto the original, copied over.
    (descriptor as PropertyDescriptor).value = binding.trampoline;
  };
}

/** Property injection of the runtime, once per class (inherited declarations count). */
function injectRuntime(prototype: object): void {
  const declared: Array<{ key: string | symbol }> =
    Reflect.getMetadata(PROPERTY_DEPS_METADATA, prototype.constructor) ?? [];
  if (declared.some((property) => property.key === RUNTIME_PROPERTY)) return;
  Inject(CACHE_RUNTIME)(prototype, RUNTIME_PROPERTY);
}

function unboundCalls(prototype: object): UnboundCalls {
  const existing: UnboundCalls | undefined = Reflect.getOwnMetadata(UNBOUND_CALLS_METADATA, prototype.constructor);
  if (existing) return existing;
  const created = new UnboundCalls();
  Reflect.defineMetadata(UNBOUND_CALLS_METADATA, created, prototype.constructor);
  return created;
}

function describeTarget(target: object): string {
  return typeof target === 'function' ? target.name : target.constructor.name;
}
