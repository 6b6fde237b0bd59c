import { Injectable } from '@nestjs/common';
import { CACHE_METHOD_KINDS } from './cache-method-kinds.js';
import type { CacheMethodKind } from './cache-method-kind.js';
import { MethodBinding } from './method-binding.js';

/** One decorator on a method: its kind and the options it recorded. */
export interface CacheOperation {
  readonly kind: CacheMethodKind;
  readonly options: object;
}

/** The one reader of cache decorator metadata. */
@Injectable()
export class CacheMetadataAccessor {
  /** The binding behind a function found on a prototype, if a cache decorator installed it. */
  bindingOf(fn: unknown): MethodBinding | undefined {
    return MethodBinding.of(fn);
  }

  /** The decorators on a bound method, outermost first. */
  operationsOf(binding: MethodBinding): CacheOperation[] {
    return CACHE_METHOD_KINDS.flatMap((kind) => {
      const options: object | undefined = Reflect.getOwnMetadata(kind.metadataKey, binding.trampoline);
      return options === undefined ? [] : [{ kind, options }];
    }).sort((a, b) => a.kind.order - b.kind.order);
  }
}
