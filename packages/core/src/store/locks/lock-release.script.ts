import { defineScript } from '../redis/redis-script.js';

/**
 * Releases a lock its caller still holds (compare-and-delete) and tells
 * waiters, in the same atomic step, so none of them sleeps until the TTL.
 * A lock already lost (expired, taken by another) is left alone and nobody is woken.
 * KEYS: lock   ARGV: token, channel, name   Returns 1 when released.
 */
export const lockReleaseScript = defineScript({
  name: 'cachetLockRelease',
  keys: ['lock'],
  args: ['token', 'channel', 'name'],
  decode: (released: number) => released === 1,
  lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`,
});
