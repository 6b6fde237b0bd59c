import { LUA_NEXT_VERSION, LUA_NOW_MS } from './entry-time.fragment.js';
import { defineScript } from '../redis/redis-script.js';

/**
 * Returns a tag's current version, creating one when the tag has none, and
 * extends its life to at least ttlMs. Entries therefore never record an
 * "absent" tag: if tag state is ever lost (expiry, eviction), the versions
 * stop matching and dependents become misses — never resurrections.
 *
 * KEYS: tag   ARGV: ttlMs   Returns: version
 */
export const tagEnsureScript = defineScript({
  name: 'cachetTagEnsure',
  keys: ['tag'],
  args: ['ttlMs'],
  decode: (version: string) => version,
  lua: `${LUA_NOW_MS}${LUA_NEXT_VERSION}
local v = redis.call('GET', KEYS[1])
if not v then
  v = next_version(KEYS[1])
  redis.call('SET', KEYS[1], v, 'PX', ARGV[1])
elseif redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return v
`,
});
