import { defineScript } from '../redis/redis-script.js';
import type { DeadLetterMove } from '../queue.store.js';
import { LUA_OVERLAY_CLEAR } from './queue-overlay.fragment.js';

/**
 * Moves an entry that failed `maxAttempts` times to the dead-letter stream,
 * with its error, in one step: nothing is lost between the two streams and an
 * entry no longer pending (acknowledged elsewhere) is not dead-lettered.
 * The key's newest append is recorded (the overlay names it, as this entry
 * is still pending), so a replay can tell whether a newer write came after.
 * Only the holder of the owner lease may move entries.
 * KEYS: stream, dead, pending, newest, ownerLease
 * ARGV: group, id, key, op, args, value, hasValue, version, error, attempts, ownerToken
 * Returns 1 when moved, 0 when the entry was no longer pending, -1 when the token does not hold the lease.
 */
export const queueDeadLetterScript = defineScript({
  name: 'cachetQueueDeadLetter',
  keys: ['stream', 'dead', 'pending', 'newest', 'ownerLease'],
  args: ['group', 'id', 'key', 'op', 'args', 'value', 'hasValue', 'version', 'error', 'attempts', 'ownerToken'],
  decode: (moved: number): DeadLetterMove => (moved === 1 ? 'moved' : moved === 0 ? 'gone' : 'not-owner'),
  lua: `${LUA_OVERLAY_CLEAR}
if redis.call('GET', KEYS[5]) ~= ARGV[11] then return -1 end
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
if redis.call('XLEN', KEYS[2]) == 0 then redis.call('DEL', KEYS[4]) end
if redis.call('HEXISTS', KEYS[4], ARGV[3]) == 0 then
  local shown = redis.call('HGET', KEYS[3], ARGV[3])
  local newest = shown and string.match(shown, '^([^|]+)|') or ARGV[2]
  redis.call('HSET', KEYS[4], ARGV[3], newest)
end
local t = redis.call('TIME')
local failed_at = tostring(tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
if ARGV[7] == '1' then
  redis.call('XADD', KEYS[2], '*', 'k', ARGV[3], 'o', ARGV[4], 'a', ARGV[5], 'v', ARGV[6],
    'ver', ARGV[8], 'id', ARGV[2], 'e', ARGV[9], 'n', ARGV[10], 't', failed_at)
else
  redis.call('XADD', KEYS[2], '*', 'k', ARGV[3], 'o', ARGV[4], 'a', ARGV[5],
    'ver', ARGV[8], 'id', ARGV[2], 'e', ARGV[9], 'n', ARGV[10], 't', failed_at)
end
redis.call('XDEL', KEYS[1], ARGV[2])
overlay_clear(KEYS[3], ARGV[3], ARGV[2])
return 1
`,
});
