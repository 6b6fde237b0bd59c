import { defineScript } from '../redis/redis-script.js';
import { LUA_OVERLAY_CLEAR } from './queue-overlay.fragment.js';

/**
 * Acknowledges persisted entries: XACK, XDEL (the stream only ever holds the
 * backlog) and the overlay cleared where it still shows one of them — by the
 * holder of the owner lease only.
 * KEYS: stream, pending, ownerLease   ARGV: group, ownerToken, then idKeyPairs (id1, key1, id2, key2, ...)
 * Returns how many entries were still pending, or -1 when the token does not hold the lease
 * (decoded: whether it held it).
 */
export const queueAckScript = defineScript({
  name: 'cachetQueueAck',
  keys: ['stream', 'pending', 'ownerLease'],
  args: ['group', 'ownerToken'],
  moreArgs: 'idKeyPairs',
  decode: (acked: number) => acked >= 0,
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
});
