import { Inject, Injectable } from '@nestjs/common';
import { CACHE_METHOD_KINDS } from '../cache.constants.js';
import type { CacheMethodKind } from './cache-method-kind.js';
import { MethodBinding } from './method-binding.js';

/** One decorator on a method: its kind and the options it recorded. */
export interface CacheOperation {
  readonly kind: CacheMethodKind;
  readonly options: object;
}

/**
 * The one reader of method decorator metadata, for every kind the module
 * registered (the list is handed in; this file knows no decorator).
 */
@Injectable()
export class CacheMetadataAccessor {
  private readonly byKey: ReadonlyMap<symbol, CacheMethodKind>;

  constructor(@Inject(CACHE_METHOD_KINDS) readonly kinds: readonly CacheMethodKind[]) {
    this.byKey = new Map(kinds.map((kind) => [kind.metadataKey, kind]));
  }

  /** The binding behind a function found on a prototype, if a decorator installed it. */
  bindingOf(fn: unknown): MethodBinding | undefined {
    return MethodBinding.of(fn);
  }

  /**
   * The decorators on a function found on a prototype, as written on the page
   * (outermost first): the ones bound to its trampoline in that order, then
   * markers that wrap nothing (`@WriteBehindBatch`).
   */
  operationsOf(fn: unknown): CacheOperation[] {
    if (typeof fn !== 'function') return [];
    const binding = MethodBinding.of(fn);
    const bound = binding ? [...binding.applied].reverse() : [];
    const keys = [...bound, ...this.kinds.map((kind) => kind.metadataKey).filter((key) => !bound.includes(key))];
    return keys.flatMap((key) => {
      const kind = this.byKey.get(key);
      const options: object | undefined = kind && Reflect.getOwnMetadata(key, fn);
      return kind === undefined || options === undefined ? [] : [{ kind, options }];
    });
  }
}
