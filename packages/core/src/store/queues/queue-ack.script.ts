import type { LuaScript } from '../redis/script-commands.js';
import { LUA_OVERLAY_CLEAR } from './queue-overlay.fragment.js';

/**
 * Acknowledges persisted entries: XACK, XDEL (the stream only ever holds the
 * backlog) and the overlay cleared where it still shows one of them — by the
 * holder of the owner lease only.
 * KEYS: stream, pending, owner lease   ARGV: group, owner token, then id1, key1, id2, key2, ...
 * Returns how many entries were still pending, or -1 when the token does not hold the lease.
 */
export const queueAckScript: LuaScript = {
  name: 'cachetQueueAck',
  numberOfKeys: 3,
  lua: `${LUA_OVERLAY_CLEAR}
if redis.call('GET', KEYS[3]) ~= ARGV[2] then return -1 end
local acked = 0
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  acked = acked + redis.call('XACK', KEYS[1], ARGV[1], id)
  redis.call('XDEL', KEYS[1], id)
  overlay_clear(KEYS[2], ARGV[i + 1], id)
end
return acked
`,
};
