/**
 * Lua fragments shared by the entry scripts (inlined at definition time; the
 * resulting scripts are still constants). Times come from the Redis server
 * that owns the key, never from an app instance.
 */
export const LUA_NOW_MS = `
local __t = redis.call('TIME')
local now = tonumber(__t[1]) * 1000 + math.floor(tonumber(__t[2]) / 1000)
`;

/**
 * A fresh version for a fence or tag key: the server's time in microseconds,
 * made distinct from the previous value even within one microsecond. Versions
 * are compared for equality only, never ordered across servers.
 */
export const LUA_NEXT_VERSION = `
local function next_version(key)
  local v = __t[1] .. '-' .. __t[2]
  local old = redis.call('GET', key)
  if old and string.sub(old, 1, #v) == v then v = old .. '+' end
  return v
end
`;
