import { defineScript } from '../redis/redis-script.js';
import type { ReplayOutcome } from '../queue.store.js';
import { LUA_ENSURE_GROUP } from './queue-overlay.fragment.js';

/**
 * Puts dead letters back on the queue, oldest first — only those still the
 * newest write of their key. Replaying one that a later write superseded
 * (persisted or pending) would put the older value back on show in the
 * overlay and persist it after the newer one; those stay dead-lettered and are
 * reported. A replayed entry keeps its original version (versioned upserts
 * still order it) and becomes the key's newest write. Dead letters recorded
 * without a newest-append index are replayed as before, their overlay set
 * only where no newer write is pending.
 * KEYS: dead, stream, pending, newest   ARGV: group, limit, then deadIds (none: the oldest `limit`)
 * Returns {replayed, {{deadId, id, key}, ...superseded}}.
 */
export const queueReplayScript = defineScript({
  name: 'cachetQueueReplay',
  keys: ['dead', 'stream', 'pending', 'newest'],
  args: ['group', 'limit'],
  moreArgs: 'deadIds',
  decode: ([replayed, superseded]: [number, Array<[string, string, string]>]): ReplayOutcome => ({
    replayed,
    superseded: superseded.map(([deadId, id, key]) => ({ deadId, id, key })),
  }),
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
local replayed = 0
local superseded = {}
for _, entry in ipairs(entries) do
  local f = {}
  for i = 1, #entry[2], 2 do f[entry[2][i]] = entry[2][i + 1] end
  local newest = redis.call('HGET', KEYS[4], f['k'])
  if newest and newest ~= f['id'] then
    superseded[#superseded + 1] = {entry[1], f['id'] or '', f['k']}
  else
    local id
    if f['v'] then
      id = redis.call('XADD', KEYS[2], '*', 'k', f['k'], 'o', f['o'], 'a', f['a'], 'v', f['v'], 'ver', f['ver'])
    else
      id = redis.call('XADD', KEYS[2], '*', 'k', f['k'], 'o', f['o'], 'a', f['a'], 'ver', f['ver'])
    end
    if newest or redis.call('HEXISTS', KEYS[3], f['k']) == 0 then
      if f['o'] == 'd' then redis.call('HSET', KEYS[3], f['k'], id .. '|d')
      elseif f['v'] then redis.call('HSET', KEYS[3], f['k'], id .. '|v' .. f['v'])
      else redis.call('HSET', KEYS[3], f['k'], id .. '|n') end
    end
    if newest then redis.call('HSET', KEYS[4], f['k'], id) end
    redis.call('XDEL', KEYS[1], entry[1])
    replayed = replayed + 1
  end
end
if redis.call('XLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[4]) end
return {replayed, superseded}
`,
});
