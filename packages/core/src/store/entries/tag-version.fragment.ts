/**
 * A tag's (or the namespace generation's) current version, created when it
 * has none, its life extended to at least `ttl` ms. Needs LUA_NOW_MS and
 * LUA_NEXT_VERSION before it. Entries therefore never record an "absent"
 * version: if tag state is ever lost (expiry, eviction), the versions stop
 * matching and dependents become misses — never resurrections.
 */
export const LUA_ENSURE_VERSION = `
local function ensure_version(key, ttl)
  local v = redis.call('GET', key)
  if not v then
    v = next_version(key)
    redis.call('SET', key, v, 'PX', ttl)
  elseif redis.call('PTTL', key) < tonumber(ttl) then
    redis.call('PEXPIRE', key, ttl)
  end
  return v
end
`;
