import { LUA_NEXT_VERSION, LUA_NOW_MS } from './entry-time.fragment.js';
import { defineScript } from '../redis/redis-script.js';

/**
 * Claims an entry's write fence for a load about to run its loader, or keeps
 * a claim alive while it runs.
 *
 * Claim (claimedFence ''): returns the current fence — a new version when
 * there is none — and makes it live at least holdMs. The loader starts after
 * the claim, so whatever was written before it is already in the source; the
 * load presents this version when it writes, and any write, delete or
 * eviction after the claim makes it differ. A load therefore never presents
 * "no fence": a fence that moved or lapsed under it never matches, however
 * long the load runs.
 *
 * Hold (claimedFence = the fence it claimed): extends it to at least holdMs if
 * it is still the current fence.
 *
 * KEYS: fence   ARGV: claimedFence ('' to claim), holdMs
 * Returns the fence, or false when a held one moved.
 */
export const fenceClaimScript = defineScript({
  name: 'cachetFenceClaim',
  keys: ['fence'],
  args: ['claimedFence', 'holdMs'],
  decode: (fence: string | null) => fence,
  lua: `${LUA_NOW_MS}${LUA_NEXT_VERSION}
local fence = redis.call('GET', KEYS[1])
if ARGV[1] ~= '' and fence ~= ARGV[1] then return false end
if not fence then
  fence = next_version(KEYS[1])
  redis.call('SET', KEYS[1], fence, 'PX', ARGV[2])
elseif redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return fence
`,
});
