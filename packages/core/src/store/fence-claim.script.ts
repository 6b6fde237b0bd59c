import { LUA_NEXT_VERSION, LUA_NOW_MS } from './lua-time.js';
import type { LuaScript } from './redis-connection.js';

/**
 * Claims an entry's write fence for a load, or keeps the claim alive. If the
 * fence is still what the load saw when it began (ARGV[1], '' for none), it
 * makes sure the fence exists — a new version when there was none — and lives
 * at least ARGV[2] ms; the load then presents that version when it writes.
 * A load therefore never presents "no fence": a fence that moved or expired
 * under it can never look unchanged, however long the load runs.
 *
 * KEYS: fence   ARGV: expectedFence, holdMs
 * Returns the fence to present, or false when it moved since.
 */
export const fenceClaimScript: LuaScript = {
  name: 'cachetFenceClaim',
  numberOfKeys: 1,
  lua: `${LUA_NOW_MS}${LUA_NEXT_VERSION}
local fence = redis.call('GET', KEYS[1]) or ''
if fence ~= ARGV[1] then return false end
if fence == '' then
  fence = next_version(KEYS[1])
  redis.call('SET', KEYS[1], fence, 'PX', ARGV[2])
elseif redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return fence
`,
};
