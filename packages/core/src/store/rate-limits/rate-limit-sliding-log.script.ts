import type { LuaStep } from './rate-limit-lua-step.js';

/**
 * Exact sliding log: a sorted set of admitted units scored by the server's
 * time in microseconds. Members are unique (time + position, suffixed on the
 * rare clash), so same-instant requests never collapse into one. Only
 * admitted units are recorded. O(limit) memory per subject. The receipt is
 * the members it added, space-separated, so a refund removes exactly those.
 */
export const LUA_SLIDING_LOG: LuaStep = {
  fn: 'slidingLog',
  clock: true,
  decide: `
local windowUs = window * 1000
redis.call('ZREMRANGEBYSCORE', key, '-inf', nowUs - windowUs)
local count = redis.call('ZCARD', key)
local function idleReset()
  if count == 0 then return 0 end
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  return math.ceil((tonumber(newest[2]) + windowUs - nowUs) / 1000)
end
local ok = not (count + cost > limit)
local remaining, reset, retry = limit - count - cost, window, 0
if not ok then
  local mustLeave = count + cost - limit
  local oldest = redis.call('ZRANGE', key, mustLeave - 1, mustLeave - 1, 'WITHSCORES')
  retry = math.max(math.ceil((tonumber(oldest[2]) + windowUs - nowUs) / 1000), 1)
  remaining, reset = limit - count, idleReset()
end
`,
  commit: `
local stamp = __time[1] .. string.format('%06d', tonumber(__time[2]))
local members = {}
for i = 1, cost do
  local member = stamp .. ':' .. (count + i)
  while redis.call('ZADD', key, 'NX', nowUs, member) == 0 do member = member .. '+' end
  members[i] = member
end
redis.call('PEXPIRE', key, window)
`,
  receipt: "table.concat(members, ' ')",
  idle: `
remaining, reset = limit - count, idleReset()
`,
};
