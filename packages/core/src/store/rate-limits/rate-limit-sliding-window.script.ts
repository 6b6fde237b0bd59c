import type { LuaStep } from './rate-limit-lua-step.js';

/**
 * Sliding window as a weighted pair of fixed windows aligned on the server's
 * clock: estimate = previous × (unelapsed share of the current window) +
 * current. O(1) memory: one hash { w: window index, c: current, p: previous }.
 * Its error bound is documented in docs/rate-limiting.md. The receipt is the
 * window index it counted in.
 *
 * The hash expires when the window after its own ends (a TTL of 2 × window −
 * elapsed): the same instant for every write in one window. So the first
 * write of a window sets the whole hash and its TTL, and the others only
 * count (HINCRBY), leaving that TTL as it is.
 */
export const LUA_SLIDING_WINDOW: LuaStep = {
  fn: 'slidingWindow',
  clock: true,
  decide: `
local now = nowUs / 1000
local index = math.floor(now / window)
local elapsed = now - index * window
local stored = redis.call('HMGET', key, 'w', 'c', 'p')
local storedIndex = tonumber(stored[1])
local current, previous = 0, 0
if storedIndex == index then
  current = tonumber(stored[2]) or 0
  previous = tonumber(stored[3]) or 0
elseif storedIndex == index - 1 then
  previous = tonumber(stored[2]) or 0
end
local estimate = previous * (window - elapsed) / window + current
local idleReset = 0
if current > 0 then idleReset = 2 * window - elapsed elseif previous > 0 then idleReset = window - elapsed end
local ok = not (estimate + cost > limit)
local remaining, reset, retry
if ok then
  remaining, reset, retry = math.floor(limit - estimate - cost + 1e-9), math.ceil(2 * window - elapsed), 0
else
  if current + cost <= limit then
    retry = (window - elapsed) - (limit - current - cost) * window / previous
  else
    retry = (window - elapsed) + window - (limit - cost) * window / current
  end
  remaining, reset, retry = math.floor(limit - estimate), math.ceil(idleReset), math.max(math.ceil(retry), 1)
end
`,
  commit: `
if storedIndex == index then
  redis.call('HINCRBY', key, 'c', cost)
else
  redis.call('HSET', key, 'w', index, 'c', current + cost, 'p', previous)
  redis.call('PEXPIRE', key, reset)
end
`,
  receipt: 'index',
  idle: `
remaining, reset = math.floor(limit - estimate + 1e-9), math.ceil(idleReset)
`,
};
