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
