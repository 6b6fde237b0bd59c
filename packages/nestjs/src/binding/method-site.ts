import type { Type } from '@nestjs/common';
import { CONTROLLER_WATERMARK, PATH_METADATA } from '@nestjs/common/constants.js';
import { createContextId, type ModuleRef } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { CacheBindingError } from './cache-binding.error.js';
import type { MethodBinding } from './method-binding.js';

/** Class metadata of `@WebSocketGateway()` (`@nestjs/websockets`), read without importing the package. */
const GATEWAY_METADATA = 'websockets:is_gateway';
/** Class metadata of `@Resolver()` (`@nestjs/graphql`); present, with the value `undefined`, on `@Resolver()` without a type. */
const RESOLVER_METADATA = ['graphql:resolver_type', 'graphql:resolver'];

/**
 * What a decorated method is to Nest: a route handler (Nest's router calls
 * it behind guards), a gateway message handler, a GraphQL resolver field, or
 * a method the app's own code calls (`'method'`: services, and controller
 * methods that are not routes).
 */
export type MethodRole = 'route' | 'gateway' | 'resolver' | 'method';

/** Where the scanner found a class: its provider or controller entry in the container. */
export class ClassSite {
  readonly classRef: Type;
  readonly role: Exclude<MethodRole, 'route'> | 'controller';

  constructor(
    readonly prototype: object,
    private readonly wrapper: InstanceWrapper | undefined,
    private readonly moduleRef: ModuleRef | undefined,
  ) {
    this.classRef = prototype.constructor as Type;
    if (Reflect.getMetadata(GATEWAY_METADATA, this.classRef) !== undefined) this.role = 'gateway';
    else if (RESOLVER_METADATA.some((key) => Reflect.hasMetadata(key, this.classRef))) {
      this.role = 'resolver';
    } else this.role = Reflect.getMetadata(CONTROLLER_WATERMARK, this.classRef) ? 'controller' : 'method';
  }

  get className(): string {
    return this.classRef.name;
  }

  /** One instance per app for the class (default scope, not transient): background work can hold on to it. */
  get isSingleton(): boolean {
    const wrapper = this.wrapper;
    return wrapper !== undefined && wrapper.isDependencyTreeStatic() && !wrapper.isTransient;
  }

  /**
   * The instance work outside any call (a write-behind flusher) runs on: the
   * singleton, or for request-scoped and transient classes one built for this
   * use, in a context of its own (it sees no `REQUEST`).
   */
  async backgroundInstance(): Promise<object> {
    const wrapper = this.wrapper;
    if (wrapper !== undefined && this.isSingleton && wrapper.instance) return wrapper.instance as object;
    if (this.moduleRef === undefined) {
      throw new CacheBindingError(
        this.className,
        'is not a provider or controller of the app; register it so Nest builds it.',
      );
    }
    return this.moduleRef.resolve(this.classRef, createContextId(), { strict: false });
  }
}

/** One decorated method where the scanner found it. */
export class MethodSite {
  readonly role: MethodRole;
  /** `Class.method`, the way every message names it. */
  readonly displayName: string;

  constructor(
    readonly owner: ClassSite,
    readonly propertyKey: string | symbol,
    /** The function on the prototype: the trampoline, for methods Cachet wraps. */
    readonly handler: (...args: unknown[]) => unknown,
    /** Every Cachet decorator on the method, as written on the page (outermost first). */
    readonly decorators: readonly string[],
    /** The trampoline's facts, for methods a decorator wraps. */
    readonly binding?: MethodBinding,
  ) {
    // The declaring class names a wrapped method (as its binding does); a marker, the class it was found on.
    this.displayName = binding?.displayName ?? `${owner.className}.${String(propertyKey)}`;
    const isRoute = owner.role === 'controller' && Reflect.getMetadata(PATH_METADATA, handler) !== undefined;
    this.role = isRoute ? 'route' : owner.role === 'controller' ? 'method' : owner.role;
  }
}
