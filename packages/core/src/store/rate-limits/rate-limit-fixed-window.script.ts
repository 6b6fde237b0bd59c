/**
 * Fixed window opened by the subject's first request (so windows of different
 * subjects do not all reset at once). One integer with a TTL; a key found
 * without a TTL is treated as a fresh window and given one. A step of the
 * rate-limit script (rate-limit-consume.script.ts): it decides without
 * writing; `commit` takes the units and answers the window's end (ms), which
 * tells a refund whether the window it counted in is still the live one.
 */
export const LUA_FIXED_WINDOW_STEP = `
local function fixedWindow(key, p)
  local used = tonumber(redis.call('GET', key) or '0')
  local ttl = redis.call('PTTL', key)
  local fresh = ttl <= 0
  if fresh then
    used = 0
    ttl = p.window
  end
  if used + p.cost > p.limit then return { ok = false, remaining = p.limit - used, reset = ttl, retry = ttl } end
  return {
    ok = true, remaining = p.limit - used - p.cost, reset = ttl,
    idle = function()
      if fresh then return p.limit, 0 end
      return p.limit - used, ttl
    end,
    commit = function()
      if fresh then
        redis.call('SET', key, p.cost, 'PX', p.window)
      else
        redis.call('INCRBY', key, p.cost)
      end
      return math.floor(nowUs / 1000) + ttl
    end,
  }
end
`;
