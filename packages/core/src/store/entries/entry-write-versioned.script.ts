import { LUA_NEXT_VERSION, LUA_NOW_MS } from './entry-time.fragment.js';
import { ENTRY_FORMAT } from './entry-header.js';
import { LUA_ENSURE_VERSION } from './tag-version.fragment.js';
import { defineScript } from '../redis/redis-script.js';

/**
 * An authoritative write (set) that records the versions of the namespace
 * generation and of the entry's tags itself: on a single server it ensures
 * them in the same step (one command, whatever the number of tags); on
 * Cluster, where they live in other slots, it is given the versions ensured
 * just before. It builds the envelope body around them — `<head><generation>
 * <tagCount>\n` (entry-header.ts: entryHeaderHead, entryHeaderVersions) then
 * `<tag>\n<version>\n` per tag, then the payload (see entry-codec) — stamps its times from the server clock, moves the fence so
 * in-flight loads cannot overwrite it, and wakes the key's waiters.
 *
 * KEYS: entry, fence, then the version keys (generation first; single server only)
 * ARGV: head, payload, logicalTtlMs, physicalTtlMs, hardTtlMs, fenceTtlMs, versionTtlMs, channel, message,
 *       tagCount, then the tag names, then (without version keys) the versions, generation first
 * Returns the versions recorded, generation first.
 */
const LUA = `${LUA_NOW_MS}${LUA_NEXT_VERSION}${LUA_ENSURE_VERSION}
-- The fence first: with Redis out of memory, a script's first write is refused, and once a script has written
-- (extending a version's life is a write) later ones are not. So a full Redis refuses the whole set.
redis.call('SET', KEYS[2], next_version(KEYS[2]), 'PX', ARGV[6])
local count = tonumber(ARGV[10])
local versions = {}
if #KEYS > 2 then
  for i = 3, #KEYS do versions[#versions + 1] = ensure_version(KEYS[i], ARGV[7]) end
else
  for i = 1, count + 1 do versions[i] = ARGV[10 + count + i] end
end
local body = { ARGV[1], versions[1], ' ', count, '\\n' }
for i = 1, count do body[#body + 1] = ARGV[10 + i] .. '\\n' .. versions[i + 1] .. '\\n' end
body[#body + 1] = ARGV[2]
local hard = tonumber(ARGV[5])
local physical = math.min(tonumber(ARGV[4]), hard)
local header = '${ENTRY_FORMAT} ' .. (now + hard) .. ' ' .. (now + tonumber(ARGV[3])) .. ' ' .. now .. ' '
redis.call('SET', KEYS[1], header .. table.concat(body), 'PX', physical)
redis.call('PUBLISH', ARGV[8], ARGV[9])
return versions
`;

const write = {
  lua: LUA,
  keys: ['entry', 'fence'] as const,
  args: [
    'head',
    'payload',
    'logicalTtlMs',
    'physicalTtlMs',
    'hardTtlMs',
    'fenceTtlMs',
    'versionTtlMs',
    'channel',
    'message',
    'tagCount',
  ] as const,
  moreArgs: 'names' as const,
  decode: (versions: string[]) => versions,
};

export const entryWriteVersionedScript = defineScript({
  ...write,
  name: 'cachetEntryWriteVersioned',
  moreKeys: 'versions',
});

/** The same script with exactly the entry's two keys, for Cluster (see entryReadSlotScript); given the versions. */
export const entryWriteVersionedSlotScript = defineScript({ ...write, name: 'cachetEntryWriteVersionedSlot' });
