import { defineScript } from '../redis/redis-script.js';

/**
 * Takes the load lease of an entry.
 * KEYS: lease   ARGV: token, ttlMs
 * Returns 0 when acquired, else the holder's remaining ms (at least 1).
 */
export const leaseAcquireScript = defineScript({
  name: 'cachetLeaseAcquire',
  keys: ['lease'],
  args: ['token', 'ttlMs'],
  decode: (state: number) => state,
  lua: `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
return math.max(redis.call('PTTL', KEYS[1]), 1)
`,
});

/**
 * Extends a lease this caller still holds (compare-and-pexpire).
 * KEYS: lease   ARGV: token, ttlMs   Returns 1 when extended.
 */
export const leaseExtendScript = defineScript({
  name: 'cachetLeaseExtend',
  keys: ['lease'],
  args: ['token', 'ttlMs'],
  decode: (extended: number) => extended === 1,
  lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`,
});

/**
 * Gives a lease back without writing (the loader failed) and wakes waiters so
 * one of them can take over at once instead of waiting for the TTL.
 * KEYS: lease   ARGV: token, channel, message   Returns 1 when released.
 */
export const leaseReleaseScript = defineScript({
  name: 'cachetLeaseRelease',
  keys: ['lease'],
  args: ['token', 'channel', 'message'],
  decode: (released: number) => released === 1,
  lua: `
local released = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then released = redis.call('DEL', KEYS[1]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return released
`,
});
