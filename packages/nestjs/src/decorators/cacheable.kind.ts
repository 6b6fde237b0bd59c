import type { GetOrSetOptions } from '@cachet/core';
import { assertEntryOptions, assertValidKey, stableHash } from '@cachet/core/store';
import { CacheBindingError } from '../binding/cache-binding.error.js';
import type { CacheMethodKind } from '../binding/cache-method-kind.js';
import type { MethodBinding } from '../binding/method-binding.js';
import { CACHEABLE_METADATA, type CacheableOptions } from './cacheable.decorator.js';
import { DecoratorOptions, resolveKey, resolveStrings, scopedCache } from './decorator-options.js';

type Options = CacheableOptions<unknown[], unknown>;

const OPTION_NAMES = [
  'key',
  'ttl',
  'jitter',
  'sliding',
  'maxAge',
  'tags',
  'condition',
  'unless',
  'cacheNull',
  'lock',
  'earlyRefresh',
  'staleWhileRevalidate',
  'staleIfError',
  'l1',
  'namespace',
] as const;

/** `@Cacheable`: read-through with every stampede defence of the engine (`Cache.getOrSet`). */
export const cacheableKind: CacheMethodKind<Options> = {
  decorator: '@Cacheable',
  metadataKey: CACHEABLE_METADATA,

  validate(options, site) {
    new DecoratorOptions('@Cacheable', site, options)
      .known(OPTION_NAMES)
      .functionOf('key', "of the method's arguments returning the key, e.g. (id: string) => `user:${id}`")
      .functionOf('condition', "of the method's arguments returning a boolean")
      .functionOf('unless', '(result, ...args) returning a boolean')
      .stringsOrFunction('tags')
      .boolean('sliding')
      .boolean('l1')
      .namespace();
    assertEntryOptions(entryOptions(options), `${site.displayName} @Cacheable`);
    if (options.key === undefined) assertDefaultKeyUsable(site);
  },

  compile(options, binding, { cache }) {
    const target = scopedCache(cache, options.namespace);
    const fixed = entryOptions(options);
    const { key, ttl, tags, condition, unless } = options;
    return (invocation, proceed) => {
      if (condition && !condition.apply(invocation.instance, invocation.args)) return proceed();
      const { instance, args } = invocation;
      return target.getOrSet(key ? resolveKey(key, invocation) : defaultKey(binding, instance, args), proceed, {
        ...fixed,
        ttl: typeof ttl === 'function' ? (result: unknown) => ttl.call(instance, result, ...args) : ttl,
        tags: resolveStrings(tags, invocation, 'tags'),
        unless: unless && ((result: unknown) => unless.call(instance, result, ...args)),
      });
    };
  },
};

/** The options the engine checks and takes as they are. */
function entryOptions(options: Options): GetOrSetOptions<unknown> {
  const { jitter, sliding, maxAge, cacheNull, lock, earlyRefresh, staleWhileRevalidate, staleIfError, l1 } = options;
  const picked: GetOrSetOptions<unknown> = {
    l1,
    jitter,
    sliding,
    maxAge,
    cacheNull,
    lock,
    earlyRefresh,
    staleWhileRevalidate,
    staleIfError,
    ttl: typeof options.ttl === 'function' ? undefined : options.ttl,
  };
  for (const name of Object.keys(picked) as Array<keyof typeof picked>) {
    if (picked[name] === undefined) delete picked[name];
  }
  return picked;
}

/**
 * `Class.method:` + a digest of the arguments, where `Class` is the instance's
 * own class: a method declared on a base class (a generic repository) keeps
 * each subclass's results apart. The digest is hex: it can never spell a word
 * the key check rejects (`null`, `undefined`).
 */
function defaultKey(binding: MethodBinding, instance: object, args: unknown[]): string {
  const own: unknown = (instance.constructor as { name?: unknown } | undefined)?.name;
  const className = typeof own === 'string' && own !== '' ? own : binding.className;
  return `${className}.${binding.methodName}:${Buffer.from(stableHash(args), 'base64url').toString('hex')}`;
}

function assertDefaultKeyUsable(site: { readonly displayName: string }): void {
  try {
    assertValidKey(`${site.displayName}:0`);
  } catch (error) {
    throw new CacheBindingError(
      site.displayName,
      `the default @Cacheable key would start with "${site.displayName}:", which the key check rejects ` +
        `(${(error as Error).message}). Give @Cacheable a key function.`,
    );
  }
}
