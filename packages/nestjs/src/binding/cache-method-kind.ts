import type { Cache } from '@cachet/core';
import type { LoggerService } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { ResolvedCacheModuleOptions } from '../module/cache-module.options.js';
import type { MethodBinding } from './method-binding.js';
import type { ClassSite, MethodSite } from './method-site.js';

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
 * A kind of method decorator (`@Cacheable`, `@RateLimit`, `@WriteBehind`,
 * ...): where its options live, how they are checked at bootstrap, and what
 * they do. The decorator itself only records its options (`bindCacheMethod`);
 * the scanner finds every decorated method once and hands it to its kinds.
 * A new decorator is one `*.kind.ts` plus its entry in the module's list
 * (`module/cache-method-kinds.ts`); the binder, scanner and runtime stay as
 * they are.
 */
export interface CacheMethodKind<Options extends object = object> {
  /** As users write it: `'@Cacheable'`. */
  readonly decorator: string;
  readonly metadataKey: symbol;
  /** Throws (naming `site.displayName`) when the options cannot work where the method sits. */
  validate(options: Options, site: MethodSite): void;
  /**
   * The step around each call, or `undefined` when the kind does nothing at
   * call time there (a marker, or a route whose guard does the work). Kinds
   * without `compile` never wrap the method.
   */
  compile?(
    options: Options,
    binding: MethodBinding,
    context: CacheMethodContext,
    site: MethodSite,
  ): MethodInterceptor | undefined;
  /** At bootstrap, once the method is validated: collect it for work outside calls (a queue's persister). */
  discovered?(options: Options, site: MethodSite, context: CacheMethodContext): void;
  /** At bootstrap, once for every class of the app, decorated or not (class-level decorators). */
  inspectClass?(site: ClassSite, context: CacheMethodContext): void;
  /** At bootstrap, after the whole app was walked. */
  scanned?(context: CacheMethodContext): void;
}
