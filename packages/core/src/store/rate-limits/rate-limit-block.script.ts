/**
 * The block key of a rate-limited subject (`blockDuration`), a step of the
 * rate-limit script like the algorithms: while it lives, the subject is
 * refused at once; the refusal that exceeds the limit starts it, and
 * refusals during a block do not extend it (the block runs from the first
 * refusal, not the last hit).
 */
export const LUA_BLOCK_STEP = `
local function blockedFor(key)
  return redis.call('PTTL', key)
end
local function startBlock(key, blockMs, retry)
  retry = math.max(retry, blockMs)
  redis.call('SET', key, '1', 'PX', retry)
  return retry
end
`;
