import { CacheConfigError } from './errors.js';

/** Where every engine keeps its keys unless told otherwise. */
export const DEFAULT_NAMESPACE = 'cachet';

/**
 * What a namespace (and a write-behind queue name) may contain. No braces:
 * the first `{` of every key is the library's Cluster hash tag. No spaces or
 * glob characters: names go into SCAN patterns.
 */
const NAME_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** The rule in words, for error messages. */
export const NAME_RULE = 'letters, digits and . _ : - (no braces or spaces)';

export function isValidName(value: unknown): value is string {
  return typeof value === 'string' && NAME_PATTERN.test(value);
}

/** A namespace (default `'cachet'`), checked. */
export function resolveNamespace(value: unknown, option = 'namespace'): string {
  if (value === undefined) return DEFAULT_NAMESPACE;
  if (!isValidName(value)) throw new CacheConfigError(option, value, NAME_RULE);
  return value;
}
