import { LUA_NOW_MS } from './entry-time.fragment.js';
import type { EntryReadResult } from '../entry.store.js';
import { defineScript } from '../redis/redis-script.js';
import { ENTRY_FORMAT, EntryFlags } from './entry-header.js';

/**
 * Reads an entry in one round trip: the envelope, its write fence, and — on
 * standalone — the current versions of the namespace generation and its tags.
 * Sliding entries (EntryFlags.sliding in the header, see entry-header.ts) get their TTL reset here to their
 * full sliding TTL, capped by the envelope's hard expiry — whoever reads them.
 * On a miss, or a stale entry when asked, it also tries to take the load
 * lease, so a cold miss costs the same single round trip.
 *
 * KEYS: entry, fence, lease, then tags (the generation and the tag keys, standalone only)
 * ARGV: leaseToken ('' = do not lease), leaseTtlMs, leaseWhenStale ('1'|'0')
 * Returns: { value|false, nowMs, fence|false, leaseState, tagVersion|false... }
 *   leaseState: -1 not asked, 0 acquired, n > 0 held by another for n more ms
 */
const LUA = `${LUA_NOW_MS}
local value = redis.call('GET', KEYS[1])
if value then
  local hard, logical, created, flags = string.match(value, '^${ENTRY_FORMAT} (%d+) (%d+) (%d+) %d+ (%d+) ')
  if flags and bit.band(tonumber(flags), ${EntryFlags.sliding}) ~= 0 then
    local ttl = math.min(tonumber(logical) - tonumber(created), tonumber(hard) - now)
    if ttl <= 0 then
      redis.call('DEL', KEYS[1])
      value = false
    else
      redis.call('PEXPIRE', KEYS[1], ttl)
    end
  end
end
local lease = -1
if ARGV[1] ~= '' then
  local wants = not value
  if value and ARGV[3] == '1' then
    local logical = tonumber(string.match(value, '^${ENTRY_FORMAT} %d+ (%d+) '))
    wants = logical ~= nil and logical <= now
  end
  if wants then
    if redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[2]) then
      lease = 0
    else
      lease = math.max(redis.call('PTTL', KEYS[3]), 1)
    end
  end
end
local reply = { value, now, redis.call('GET', KEYS[2]), lease }
for i = 4, #KEYS do
  reply[#reply + 1] = redis.call('GET', KEYS[i])
end
return reply
`;

type RawReadReply = [Buffer | null, number, Buffer | null, number, ...Array<Buffer | null>];

const read = {
  lua: LUA,
  keys: ['entry', 'fence', 'lease'] as const,
  args: ['leaseToken', 'leaseTtlMs', 'leaseWhenStale'] as const,
  reply: 'buffer' as const,
  decode: (reply: RawReadReply): EntryReadResult => ({
    raw: reply[0] ?? null,
    now: Number(reply[1]),
    fence: reply[2]?.toString() ?? '',
    lease: Number(reply[3]),
    tagVersions: reply.slice(4).map((version) => version?.toString() ?? null),
  }),
};

export const entryReadScript = defineScript({ ...read, name: 'cachetEntryRead', moreKeys: 'tags' });

/**
 * The same script with exactly the entry's three keys, for Cluster: ioredis's
 * auto-pipelining routes a command by its first argument, which for a
 * variable-key script would be the key count rather than a key. Its reply
 * has no tag versions (they live in other slots).
 */
export const entryReadSlotScript = defineScript({ ...read, name: 'cachetEntryReadSlot' });
