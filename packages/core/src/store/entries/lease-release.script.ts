import { defineScript } from '../redis/redis-script.js';

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
