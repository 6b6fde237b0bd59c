/**
 * Sliding window as a weighted pair of fixed windows aligned on the server's
 * clock: estimate = previous × (unelapsed share of the current window) +
 * current. O(1) memory: one hash { w: window index, c: current, p: previous }.
 * Its error bound is documented in docs/rate-limiting.md. A step of the
 * rate-limit script; `commit` answers the window index it counted in.
 */
export const LUA_SLIDING_WINDOW_STEP = `
local function slidingWindow(key, p)
  local limit, window, cost = p.limit, p.window, p.cost
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
  if estimate + cost > limit then
    local retry
    if current + cost <= limit then
      retry = (window - elapsed) - (limit - current - cost) * window / previous
    else
      retry = (window - elapsed) + window - (limit - cost) * window / current
    end
    return { ok = false, remaining = math.floor(limit - estimate), reset = math.ceil(idleReset), retry = math.max(math.ceil(retry), 1) }
  end
  local reset = math.ceil(2 * window - elapsed)
  return {
    ok = true, remaining = math.floor(limit - estimate - cost + 1e-9), reset = reset,
    idle = function() return math.floor(limit - estimate + 1e-9), math.ceil(idleReset) end,
    commit = function()
      redis.call('HSET', key, 'w', index, 'c', current + cost, 'p', previous)
      redis.call('PEXPIRE', key, reset)
      return index
    end,
  }
end
`;
