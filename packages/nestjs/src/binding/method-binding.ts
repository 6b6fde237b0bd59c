import { Logger } from '@nestjs/common';
import { copyMethodMetadata } from './copy-method-metadata.js';

/** Where Nest puts the app's runtime on every instance it builds of a class with cache decorators. */
export const RUNTIME_PROPERTY: unique symbol = Symbol('cachet:runtime');

/** Marks the function a binder installed, so stacked cache decorators share one trampoline. */
const BINDING_METADATA = Symbol('cachet:binding');

/** What a trampoline needs from the runtime Nest injected. */
export interface BoundRuntime {
  invoke(binding: MethodBinding, instance: object, args: unknown[]): unknown;
}

type Method = (...args: unknown[]) => unknown;

/**
 * The facts of one decorated method, fixed when its class is defined: the
 * original function, where it was declared, and the trampoline that stands in
 * for it on the prototype. It holds no runtime state; plans live in each app's
 * runtime, keyed by this object.
 */
export class MethodBinding {
  readonly className: string;
  readonly methodName: string;
  readonly trampoline: Method;
  /** Metadata keys of the decorators bound here, in the order they were applied: innermost (lowest on the page) first. */
  readonly applied: symbol[] = [];

  constructor(
    readonly prototype: object,
    readonly propertyKey: string | symbol,
    readonly original: Method,
    private readonly unbound: UnboundCalls,
  ) {
    this.className = prototype.constructor.name;
    this.methodName = String(propertyKey);
    this.trampoline = createTrampoline(this);
  }

  /** `Class.method`, the way every message names it. */
  get displayName(): string {
    return `${this.className}.${this.methodName}`;
  }

  static of(fn: unknown): MethodBinding | undefined {
    return typeof fn === 'function' ? Reflect.getOwnMetadata(BINDING_METADATA, fn) : undefined;
  }

  /** An instance Nest did not build has no runtime: run the method as written. */
  callUnbound(instance: unknown, args: unknown[]): unknown {
    this.unbound.warnOnce(this);
    return this.original.apply(instance, args);
  }
}

/**
 * One warning per class for calls on instances Nest did not build (`new`,
 * `useFactory`, `useValue`): they call straight through, uncached.
 */
export class UnboundCalls {
  private warned = false;

  warnOnce(binding: MethodBinding): void {
    if (this.warned) return;
    this.warned = true;
    new Logger('CacheModule').warn(
      `${binding.displayName} was called on an instance Nest did not build (new, useFactory or useValue); ` +
        `Cachet decorators of ${binding.className} (cache, rate limit, write-behind) are bypassed for such instances. ` +
        'Register the class as a provider (or controller) so Nest builds it.',
    );
  }
}

function createTrampoline(binding: MethodBinding): Method {
  // A plain named function, not a Proxy: reflect-metadata keys it as its own object, and it is cheap to call.
  const trampoline = function cachedMethod(this: unknown, ...args: unknown[]): unknown {
    const runtime = (this as { [RUNTIME_PROPERTY]?: BoundRuntime } | null | undefined)?.[RUNTIME_PROPERTY];
    if (runtime === undefined) return binding.callUnbound(this, args);
    return runtime.invoke(binding, this as object, args);
  };
  Object.defineProperty(trampoline, 'name', { value: binding.original.name, configurable: true });
  Object.defineProperty(trampoline, 'length', { value: binding.original.length, configurable: true });
  copyMethodMetadata(binding.original, trampoline);
  Reflect.defineMetadata(BINDING_METADATA, binding, trampoline);
  return trampoline;
}
