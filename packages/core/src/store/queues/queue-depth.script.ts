import type { LuaScript } from '../redis/script-commands.js';

/**
 * Backlog figures of one queue, on the server's clock.
 * KEYS: stream, dead   Returns {depth, oldest entry id or '', dead letters, now ms}.
 */
export const queueDepthScript: LuaScript = {
  name: 'cachetQueueDepth',
  numberOfKeys: 2,
  lua: `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local depth = redis.call('XLEN', KEYS[1])
local oldest = ''
if depth > 0 then
  local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
  if first[1] then oldest = first[1][1] end
end
return {depth, oldest, redis.call('XLEN', KEYS[2]), now}
`,
};
