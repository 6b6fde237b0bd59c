import type { Cache } from '@cachet/core';
import type { LoggerService } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { ResolvedCacheModuleOptions } from '../module/cache-module.options.js';
import type { MethodBinding } from './method-binding.js';

/** One call of a decorated method as the plan sees it. */
export interface MethodInvocation {
  readonly instance: object;
  readonly args: unknown[];
  readonly binding: MethodBinding;
}

/** One decorator's behaviour around the call: `proceed()` runs the next step and, last, the method. */
export type MethodInterceptor = (invocation: MethodInvocation, proceed: () => Promise<unknown>) => Promise<unknown>;

/** What a decorator kind may use when it compiles: the app's cache, options, logger and container. */
export interface CacheMethodContext {
  readonly cache: Cache;
  readonly options: ResolvedCacheModuleOptions;
  readonly logger: LoggerService;
  readonly moduleRef: ModuleRef;
}

/**
 * A kind of cache decorator (`@Cacheable`, `@CacheEvict`, ...): where its
 * options live, how they are checked at bootstrap, and what they do around a
 * call. A new decorator is one file exporting a kind, plus its entry in
 * `CACHE_METHOD_KINDS`; the binder, explorer and runtime stay as they are.
 */
export interface CacheMethodKind<Options extends object = object> {
  /** As users write it: `'@Cacheable'`. */
  readonly decorator: string;
  readonly metadataKey: symbol;
  /** Lower runs outside higher when several decorators share a method. */
  readonly order: number;
  /** Throws (naming `binding.displayName`) when the options cannot work. */
  validate(options: Options, binding: MethodBinding): void;
  compile(options: Options, binding: MethodBinding, context: CacheMethodContext): MethodInterceptor;
}
