/**
 * Token bucket as GCRA: one number per subject, the theoretical arrival time
 * (TAT, whole µs on the server's clock). A unit is emitted every
 * window/limit; `burst` units may be taken at once. The TTL is the time until
 * the bucket is full again, after which the key is not needed. A step of the
 * rate-limit script; `commit` answers the TAT it started from (the anchor a
 * refund needs).
 */
export const LUA_TOKEN_BUCKET_STEP = `
local function tokenBucket(key, p)
  local emission = p.window * 1000 / p.limit
  local tolerance = emission * p.burst
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < nowUs then tat = nowUs end
  local nextTat = math.floor(tat + emission * p.cost + 0.5)
  local allowAt = nextTat - tolerance
  local remainingNow = math.floor((tolerance - (tat - nowUs)) / emission + 1e-9)
  if allowAt > nowUs then
    return {
      ok = false, remaining = remainingNow, reset = math.ceil((tat - nowUs) / 1000),
      retry = math.max(math.ceil((allowAt - nowUs) / 1000), 1),
    }
  end
  local reset = math.ceil((nextTat - nowUs) / 1000)
  return {
    ok = true, remaining = math.floor((tolerance - (nextTat - nowUs)) / emission + 1e-9), reset = reset,
    idle = function() return remainingNow, math.ceil((tat - nowUs) / 1000) end,
    commit = function()
      redis.call('SET', key, nextTat, 'PX', math.max(reset, 1))
      return tat
    end,
  }
end
`;
