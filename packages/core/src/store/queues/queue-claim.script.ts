import { defineScript } from '../redis/redis-script.js';
import { toQueueEntry, type RawStreamEntry } from './stream-entry.js';
import { LUA_ENSURE_GROUP } from './queue-overlay.fragment.js';

/**
 * One page of taking over the delivered-but-unacknowledged entries of the
 * group idle for at least `minIdleMs` (XAUTOCLAIM), for the holder of the
 * owner lease only: it is the queue's one flusher, so whatever another
 * consumer still holds belongs to one that died or lost its lease. At
 * takeover `minIdleMs` is 0; the owner repeats it every visibility timeout. On
 * the last page, consumers left with nothing pending are removed, so the
 * group does not collect one consumer per past process.
 * KEYS: stream, ownerLease   ARGV: group, consumer, cursor, count, ownerToken, minIdleMs
 * Returns {next cursor ('0-0' when done), [[id, fields], ...]}, or nil when the token does not hold the lease.
 */
export const queueClaimScript = defineScript({
  name: 'cachetQueueClaim',
  keys: ['stream', 'ownerLease'],
  args: ['group', 'consumer', 'cursor', 'count', 'ownerToken', 'minIdleMs'],
  reply: 'buffer',
  decode: (reply: [Buffer, RawStreamEntry[]] | null) =>
    reply && { cursor: reply[0].toString(), entries: reply[1].map(toQueueEntry) },
  lua: `${LUA_ENSURE_GROUP}
if redis.call('GET', KEYS[2]) ~= ARGV[5] then return false end
ensure_group(KEYS[1], ARGV[1])
local reply = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[6]), ARGV[3], 'COUNT', tonumber(ARGV[4]))
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
});
