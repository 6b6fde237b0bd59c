import { LUA_NEXT_VERSION, LUA_NOW_MS } from './entry-time.fragment.js';
import { defineScript } from '../redis/redis-script.js';

/**
 * Deletes an entry and moves its fence, so a load that was in flight when the
 * delete ran cannot put the older value back.
 *
 * KEYS: entry, fence
 * ARGV: fenceTtlMs
 * Returns the number of entries deleted (0 or 1).
 */
export const entryDeleteScript = defineScript({
  name: 'cachetEntryDelete',
  keys: ['entry', 'fence'],
  args: ['fenceTtlMs'],
  decode: (deleted: number) => deleted,
  lua: `${LUA_NOW_MS}${LUA_NEXT_VERSION}
redis.call('SET', KEYS[2], next_version(KEYS[2]), 'PX', ARGV[1])
return redis.call('DEL', KEYS[1])
`,
});
