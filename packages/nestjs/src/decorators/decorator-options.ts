import { CacheKeyError, type Cache } from '@cachet/core';
import { assertValidKey, isValidName, NAME_RULE } from '@cachet/core/store';
import { CacheBindingError, describeValue } from '../binding/cache-binding.error.js';
import type { MethodInvocation } from '../binding/cache-method-kind.js';

/**
 * Checks shared by the decorator kinds. Each throws a `CacheBindingError`
 * naming `Class.method`, the decorator and the option, at bootstrap.
 */
export class DecoratorOptions {
  constructor(
    private readonly decorator: string,
    private readonly site: { readonly displayName: string },
    private readonly options: object,
  ) {
    if (options === null || typeof options !== 'object') this.fail('options', options, 'an options object');
  }

  private value(name: string): unknown {
    return (this.options as Record<string, unknown>)[name];
  }

  fail(name: string, value: unknown, expected: string): never {
    throw new CacheBindingError(
      this.site.displayName,
      `${this.decorator} option "${name}" is ${describeValue(value)}; expected ${expected}.`,
    );
  }

  known(names: readonly string[]): this {
    for (const name of Object.keys(this.options)) {
      if (!names.includes(name)) this.fail(name, this.value(name), `one of ${names.join(', ')}`);
    }
    return this;
  }

  functionOf(name: string, what: string, { required = false } = {}): this {
    const value = this.value(name);
    if (value === undefined && !required) return this;
    if (typeof value !== 'function') this.fail(name, value, `a function ${what}`);
    return this;
  }

  stringsOrFunction(name: string): this {
    const value = this.value(name);
    if (value === undefined || typeof value === 'function') return this;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.length === 0)) {
      this.fail(name, value, 'a list of strings, or a function of the arguments returning one');
    }
    return this;
  }

  boolean(name: string): this {
    const value = this.value(name);
    if (value !== undefined && typeof value !== 'boolean') this.fail(name, value, 'true or false');
    return this;
  }

  namespace(): this {
    const value = this.value('namespace');
    if (value !== undefined && !isValidName(value)) this.fail('namespace', value, NAME_RULE);
    return this;
  }
}

/** An option that is a value or a function of the call's arguments (called with the instance as `this`). */
export function resolveArgsOption<Value>(
  option: Value | ((...args: never[]) => Value),
  invocation: MethodInvocation,
): Value {
  return typeof option === 'function'
    ? (option as (...args: unknown[]) => Value).apply(invocation.instance, invocation.args)
    : option;
}

/** The list an optional strings option yields for this call (empty when absent). */
export function resolveStrings(
  option: readonly string[] | ((...args: never[]) => readonly string[]) | undefined,
  invocation: MethodInvocation,
  name: string,
): string[] {
  if (option === undefined) return [];
  const value = resolveArgsOption(option, invocation);
  if (!Array.isArray(value)) {
    throw new CacheKeyError(value, `"${name}" of ${invocation.binding.displayName} must return a list of strings.`);
  }
  return [...value];
}

/** The key a key function returns for this call, checked before anything runs. */
export function resolveKey(keyOf: (...args: never[]) => string, invocation: MethodInvocation): string {
  const key = resolveArgsOption(keyOf, invocation);
  assertValidKey(key);
  return key;
}

/** The module's cache, or a view of a sub-namespace of it. */
export function scopedCache(cache: Cache, namespace: string | undefined): Cache {
  return namespace === undefined ? cache : cache.withNamespace(`${cache.namespace}:${namespace}`);
}
