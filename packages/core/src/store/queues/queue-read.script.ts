import { defineScript } from '../redis/redis-script.js';
import { toQueueEntry, type RawStreamEntry } from './stream-entry.js';
import { LUA_ENSURE_GROUP } from './queue-overlay.fragment.js';

/**
 * Delivers entries no consumer has seen yet (XREADGROUP `>`, never blocking),
 * creating the group first if the stream is new. A script rather than a plain
 * command so that, on Cluster, it is routed by its key like every other queue call,
 * and so that only the holder of the owner lease can read: a flusher that
 * stalled past its lease gets nothing once another took over.
 * It also says whether another consumer still has entries pending: only the
 * owner may settle them, so they are orphans the owner must claim before it
 * persists newer writes of their keys.
 * KEYS: stream, ownerLease   ARGV: group, consumer, count, ownerToken
 * Returns {[[id, fields], ...], others pending (1|0)}, or nil when the token does not hold the lease.
 */
export const queueReadScript = defineScript({
  name: 'cachetQueueRead',
  keys: ['stream', 'ownerLease'],
  args: ['group', 'consumer', 'count', 'ownerToken'],
  reply: 'buffer',
  decode: (reply: [RawStreamEntry[], number] | null) =>
    reply && { entries: reply[0].map(toQueueEntry), othersPending: reply[1] === 1 },
  lua: `${LUA_ENSURE_GROUP}
if redis.call('GET', KEYS[2]) ~= ARGV[4] then return false end
ensure_group(KEYS[1], ARGV[1])
local reply = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', tonumber(ARGV[3]), 'STREAMS', KEYS[1], '>')
local entries = {}
if reply then entries = reply[1][2] end
local others = 0
local summary = redis.call('XPENDING', KEYS[1], ARGV[1])
if summary[4] then
  for _, consumer in ipairs(summary[4]) do
    if consumer[1] ~= ARGV[2] then others = 1 end
  end
end
return {entries, others}
`,
});
