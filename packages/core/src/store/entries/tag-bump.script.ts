import { LUA_NEXT_VERSION, LUA_NOW_MS } from './entry-time.fragment.js';
import { defineScript } from '../redis/redis-script.js';

/**
 * Invalidates a tag: one SET, whatever the number of tagged entries.
 *
 * KEYS: tag   ARGV: ttlMs   Returns: the new version
 */
export const tagBumpScript = defineScript({
  name: 'cachetTagBump',
  keys: ['tag'],
  args: ['ttlMs'],
  decode: (version: string) => version,
  lua: `${LUA_NOW_MS}${LUA_NEXT_VERSION}
local v = next_version(KEYS[1])
redis.call('SET', KEYS[1], v, 'PX', ARGV[1])
return v
`,
});
