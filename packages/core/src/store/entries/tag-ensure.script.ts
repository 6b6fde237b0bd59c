import { LUA_NEXT_VERSION, LUA_NOW_MS } from './entry-time.fragment.js';
import { LUA_ENSURE_VERSION } from './tag-version.fragment.js';
import { defineScript } from '../redis/redis-script.js';

/**
 * Returns a tag's current version, creating one when the tag has none, and
 * extends its life to at least ttlMs (see LUA_ENSURE_VERSION).
 *
 * KEYS: tag   ARGV: ttlMs   Returns: version
 */
export const tagEnsureScript = defineScript({
  name: 'cachetTagEnsure',
  keys: ['tag'],
  args: ['ttlMs'],
  decode: (version: string) => version,
  lua: `${LUA_NOW_MS}${LUA_NEXT_VERSION}${LUA_ENSURE_VERSION}
return ensure_version(KEYS[1], ARGV[1])
`,
});
