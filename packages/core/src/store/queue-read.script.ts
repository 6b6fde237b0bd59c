import type { LuaScript } from './redis-connection.js';
import { LUA_ENSURE_GROUP } from './queue-lua.js';

/**
 * Delivers entries no consumer has seen yet (XREADGROUP `>`, never blocking),
 * creating the group first if the stream is new. A script rather than a plain
 * command so that, on Cluster, it is routed by its key like every other queue call.
 * KEYS: stream   ARGV: group, consumer, count   Returns [[id, fields], ...].
 */
export const queueReadScript: LuaScript = {
  name: 'cachetQueueRead',
  numberOfKeys: 1,
  lua: `${LUA_ENSURE_GROUP}
ensure_group(KEYS[1], ARGV[1])
local reply = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', tonumber(ARGV[3]), 'STREAMS', KEYS[1], '>')
if not reply then return {} end
return reply[1][2]
`,
};
