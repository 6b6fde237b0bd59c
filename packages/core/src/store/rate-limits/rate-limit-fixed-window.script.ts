import type { LuaStep } from './rate-limit-lua-step.js';

/**
 * Fixed window opened by the subject's first request (so windows of different
 * subjects do not all reset at once). One integer with a TTL; a key found
 * without a TTL is treated as a fresh window and given one. Needs no clock;
 * its receipt, the window's end (ms), tells a refund whether the window it
 * counted in is still the live one.
 */
export const LUA_FIXED_WINDOW: LuaStep = {
  fn: 'fixedWindow',
  clock: false,
  decide: `
local used = tonumber(redis.call('GET', key) or '0')
local ttl = redis.call('PTTL', key)
local fresh = ttl <= 0
if fresh then
  used = 0
  ttl = window
end
local ok = not (used + cost > limit)
local remaining, reset, retry = limit - used - cost, ttl, 0
if not ok then remaining, retry = limit - used, ttl end
`,
  commit: `
if fresh then
  redis.call('SET', key, cost, 'PX', window)
else
  redis.call('INCRBY', key, cost)
end
`,
  receipt: 'math.floor(clockUs() / 1000) + ttl',
  idle: `
if fresh then remaining, reset = limit, 0 else remaining, reset = limit - used, ttl end
`,
};
