import { defineScript } from '../redis/redis-script.js';
import type { AppendResult } from '../queue.store.js';
import { LUA_ENSURE_GROUP, LUA_NEWEST_TOUCH } from './queue-overlay.fragment.js';

/**
 * Appends one write-behind item and records its value in the overlay, or
 * refuses it (writing nothing) when the queue already holds `maxPending`.
 * KEYS: stream, pending, newest   ARGV: maxPending, key, op (w|d), args, value, hasValue (1|0), group
 * Returns {1, id} when appended, {0, depth} when refused.
 */
export const queueAppendScript = defineScript({
  name: 'cachetQueueAppend',
  keys: ['stream', 'pending', 'newest'],
  args: ['maxPending', 'key', 'op', 'args', 'value', 'hasValue', 'group'],
  decode: ([appended, value]: [number, string | number]): AppendResult =>
    appended === 1 ? { accepted: true, id: String(value) } : { accepted: false, depth: Number(value) },
  lua: `${LUA_ENSURE_GROUP}${LUA_NEWEST_TOUCH}
ensure_group(KEYS[1], ARGV[7])
local depth = redis.call('XLEN', KEYS[1])
local max = tonumber(ARGV[1])
if max > 0 and depth >= max then return {0, depth} end
local id
if ARGV[6] == '1' then
  id = redis.call('XADD', KEYS[1], '*', 'k', ARGV[2], 'o', ARGV[3], 'a', ARGV[4], 'v', ARGV[5])
else
  id = redis.call('XADD', KEYS[1], '*', 'k', ARGV[2], 'o', ARGV[3], 'a', ARGV[4])
end
if ARGV[3] == 'd' then
  redis.call('HSET', KEYS[2], ARGV[2], id .. '|d')
elseif ARGV[6] == '1' then
  redis.call('HSET', KEYS[2], ARGV[2], id .. '|v' .. ARGV[5])
else
  -- A write without a value must not leave an older value on show.
  redis.call('HSET', KEYS[2], ARGV[2], id .. '|n')
end
newest_touch(KEYS[3], ARGV[2], id)
return {1, id}
`,
});
