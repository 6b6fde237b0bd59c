import type { LuaScript } from './redis-connection.js';
import { LUA_ENSURE_GROUP } from './queue-lua.js';

/**
 * One page of taking over every delivered-but-unacknowledged entry of the
 * group (XAUTOCLAIM, idle ≥ 0): the caller has just become the queue's only
 * flusher, so whatever another consumer still holds belongs to one that died
 * or lost its lease. On the last page, consumers left with nothing pending are
 * removed, so the group does not collect one consumer per past process.
 * KEYS: stream   ARGV: group, consumer, cursor, count
 * Returns {next cursor ('0-0' when done), [[id, fields], ...]}.
 */
export const queueClaimScript: LuaScript = {
  name: 'cachetQueueClaim',
  numberOfKeys: 1,
  lua: `${LUA_ENSURE_GROUP}
ensure_group(KEYS[1], ARGV[1])
local reply = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'COUNT', tonumber(ARGV[4]))
local entries = {}
for _, entry in ipairs(reply[2]) do
  if entry and entry[2] then entries[#entries + 1] = entry end
end
if reply[1] == '0-0' then
  for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
    local c = {}
    for i = 1, #consumer, 2 do c[consumer[i]] = consumer[i + 1] end
    if c['name'] ~= ARGV[2] and tonumber(c['pending']) == 0 then
      redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], c['name'])
    end
  end
end
return {reply[1], entries}
`,
};
