import type { LuaScript } from './redis-connection.js';
import { LUA_OVERLAY_CLEAR } from './queue-lua.js';

/**
 * Acknowledges persisted entries: XACK, XDEL (the stream only ever holds the
 * backlog) and the overlay cleared where it still shows one of them.
 * KEYS: stream, pending   ARGV: group, then id1, key1, id2, key2, ...
 * Returns how many entries were still pending.
 */
export const queueAckScript: LuaScript = {
  name: 'cachetQueueAck',
  numberOfKeys: 2,
  lua: `${LUA_OVERLAY_CLEAR}
local acked = 0
for i = 2, #ARGV, 2 do
  local id = ARGV[i]
  acked = acked + redis.call('XACK', KEYS[1], ARGV[1], id)
  redis.call('XDEL', KEYS[1], id)
  overlay_clear(KEYS[2], ARGV[i + 1], id)
end
return acked
`,
};
