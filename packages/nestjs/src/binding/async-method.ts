import { CacheBindingError } from './cache-binding.error.js';
import type { MethodBinding } from './method-binding.js';

/**
 * Cache decorators turn a call into I/O, so the method must already be
 * asynchronous: an `async` method, or one whose declared return type is
 * `Promise` (TypeScript records it as `design:returntype`). Anything else
 * would change the method's type under its callers' feet.
 */
export function assertAsyncMethod(binding: MethodBinding, decorators: string[]): void {
  const { original } = binding;
  if (original.constructor.name === 'AsyncFunction') return;
  const declared: unknown = Reflect.getMetadata('design:returntype', binding.prototype, binding.propertyKey);
  if (declared === Promise) return;
  const returns = typeof declared === 'function' ? declared.name : 'a value that is not a Promise';
  throw new CacheBindingError(
    binding.displayName,
    `${decorators.join(', ')} needs an async method, but it returns ${returns}. ` +
      'Declare it `async` (or give it a `Promise<T>` return type).',
  );
}
