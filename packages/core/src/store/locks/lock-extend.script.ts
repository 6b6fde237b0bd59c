import { defineScript } from '../redis/redis-script.js';

/**
 * Extends a lock its caller still holds (compare-and-pexpire).
 * KEYS: lock   ARGV: token, ttlMs   Returns 1 when extended, 0 when the lock was lost.
 */
export const lockExtendScript = defineScript({
  name: 'cachetLockExtend',
  keys: ['lock'],
  args: ['token', 'ttlMs'],
  decode: (extended: number) => extended === 1,
  lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`,
});
