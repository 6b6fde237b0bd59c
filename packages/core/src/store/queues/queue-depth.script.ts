import { defineScript } from '../redis/redis-script.js';
import type { QueueDepth } from '../queue.store.js';
import { streamIdTime } from './stream-id.js';

/**
 * Backlog figures of one queue, on the server's clock.
 * KEYS: stream, dead   Returns {depth, oldest entry id or '', dead letters, now ms}.
 */
export const queueDepthScript = defineScript({
  name: 'cachetQueueDepth',
  keys: ['stream', 'dead'],
  args: [],
  decode: ([depth, oldest, deadLetters, now]: [number, string, number, number]): QueueDepth => ({
    depth,
    deadLetters,
    oldestAgeMs: oldest ? Math.max(0, now - streamIdTime(oldest)) : null,
  }),
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
});
