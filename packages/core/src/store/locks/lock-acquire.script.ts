import type { LockAcquireResult } from '../lock.store.js';
import { defineScript } from '../redis/redis-script.js';

/**
 * Takes a lock and hands out its fencing token.
 * KEYS: lock, fence   ARGV: token, ttlMs, fenceTtlMs
 * Returns {1, fencingToken} when acquired, else {0, holder's remaining ms (at least 1)}.
 *
 * The token is max(last + 1, server time in µs): strictly increasing while the
 * counter lives, and still larger than every earlier token after it expired
 * (unless the server clock went back by more than the counter's TTL). It is
 * returned as a string: a Lua number would be truncated to an integer reply
 * anyway, but the string keeps every digit explicit.
 */
export const lockAcquireScript = defineScript({
  name: 'cachetLockAcquire',
  keys: ['lock', 'fence'],
  args: ['token', 'ttlMs', 'fenceTtlMs'],
  decode: ([acquired, value]: [number, number | string]): LockAcquireResult =>
    acquired === 1 ? { acquired: true, fencingToken: Number(value) } : { acquired: false, remainingMs: Number(value) },
  lua: `
local t = redis.call('TIME')
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {0, math.max(redis.call('PTTL', KEYS[1]), 1)}
end
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
local fence = string.format('%.0f', math.max(last + 1, now))
redis.call('SET', KEYS[2], fence, 'PX', ARGV[3])
return {1, fence}
`,
});
