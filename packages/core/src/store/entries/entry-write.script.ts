import { LUA_NEXT_VERSION, LUA_NOW_MS } from './entry-time.fragment.js';
import { defineScript } from '../redis/redis-script.js';
import { ENTRY_FORMAT } from './entry-header.js';

/**
 * Writes an entry envelope, stamping its times from the server clock.
 *
 * mode 'load': the value came from a loader that began when the fence was
 * expectedFence. If the fence moved since (a write, delete or eviction of this key),
 * the loaded value is older than what the cache was told, so it is dropped —
 * the "no stale set" rule of leases. mode 'write': an authoritative write
 * (set, write-through); it moves the fence so in-flight loads cannot
 * overwrite it. Either way the lease (if this caller holds it) is released and
 * waiters are woken in the same step, so they re-read the value that landed.
 *
 * KEYS: entry, fence, lease
 * ARGV: body, logicalTtlMs, physicalTtlMs, hardTtlMs, mode, expectedFence, leaseToken, fenceTtlMs, channel, message
 * Returns 1 when written, 0 when dropped.
 */
export const entryWriteScript = defineScript({
  name: 'cachetEntryWrite',
  keys: ['entry', 'fence', 'lease'],
  args: [
    'body',
    'logicalTtlMs',
    'physicalTtlMs',
    'hardTtlMs',
    'mode',
    'expectedFence',
    'leaseToken',
    'fenceTtlMs',
    'channel',
    'message',
  ],
  decode: (written: number) => written === 1,
  lua: `${LUA_NOW_MS}${LUA_NEXT_VERSION}
local written = 0
local fence = redis.call('GET', KEYS[2]) or ''
if ARGV[5] ~= 'load' or fence == ARGV[6] then
  if ARGV[5] ~= 'load' then
    redis.call('SET', KEYS[2], next_version(KEYS[2]), 'PX', ARGV[8])
  end
  local hard = tonumber(ARGV[4])
  local physical = math.min(tonumber(ARGV[3]), hard)
  local header = '${ENTRY_FORMAT} ' .. (now + hard) .. ' ' .. (now + tonumber(ARGV[2])) .. ' ' .. now .. ' '
  redis.call('SET', KEYS[1], header .. ARGV[1], 'PX', physical)
  written = 1
end
if ARGV[7] ~= '' and redis.call('GET', KEYS[3]) == ARGV[7] then
  redis.call('DEL', KEYS[3])
end
redis.call('PUBLISH', ARGV[9], ARGV[10])
return written
`,
});
