import type { LuaScript } from './redis-connection.js';
import { LUA_ENSURE_GROUP } from './queue-lua.js';

/**
 * Puts dead letters back on the queue, oldest first: each is re-appended with
 * its original version (so versioned upserts still reject it if a newer write
 * was persisted meanwhile) and removed from the dead-letter stream. The
 * overlay is set only for keys without a newer pending write.
 * KEYS: dead, stream, pending   ARGV: group, limit, then the dead IDs (none: the oldest `limit`)
 * Returns how many were replayed.
 */
export const queueReplayScript: LuaScript = {
  name: 'cachetQueueReplay',
  numberOfKeys: 3,
  lua: `${LUA_ENSURE_GROUP}
ensure_group(KEYS[2], ARGV[1])
local entries = {}
if #ARGV > 2 then
  for i = 3, #ARGV do
    local found = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
    if found[1] then entries[#entries + 1] = found[1] end
  end
else
  entries = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', tonumber(ARGV[2]))
end
for _, entry in ipairs(entries) do
  local f = {}
  for i = 1, #entry[2], 2 do f[entry[2][i]] = entry[2][i + 1] end
  local id
  if f['v'] then
    id = redis.call('XADD', KEYS[2], '*', 'k', f['k'], 'o', f['o'], 'a', f['a'], 'v', f['v'], 'ver', f['ver'])
  else
    id = redis.call('XADD', KEYS[2], '*', 'k', f['k'], 'o', f['o'], 'a', f['a'], 'ver', f['ver'])
  end
  if redis.call('HEXISTS', KEYS[3], f['k']) == 0 then
    if f['o'] == 'd' then redis.call('HSET', KEYS[3], f['k'], id .. '|d')
    elseif f['v'] then redis.call('HSET', KEYS[3], f['k'], id .. '|v' .. f['v']) end
  end
  redis.call('XDEL', KEYS[1], entry[1])
end
return #entries
`,
};
