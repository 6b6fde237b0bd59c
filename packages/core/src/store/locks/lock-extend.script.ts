import { defineScript } from '../redis/redis-script.js';

/**
 * Extends a key its caller still holds (compare-and-pexpire): a lock, a
 * queue's owner lease, or an entry's load lease — each holds its holder's
 * token, so one script extends them all.
 * KEYS: lock   ARGV: token, ttlMs   Returns 1 when extended, 0 when it was lost.
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
