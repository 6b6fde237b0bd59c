/**
 * The block key of a rate-limited subject (`blockDuration`), a step of the
 * rate-limit scripts like the algorithms: while it lives, the subject is
 * refused at once; the refusal that exceeds the limit starts it, and
 * refusals during a block do not extend it (the block runs from the first
 * refusal, not the last hit). Written as code the scripts inline, with the
 * Lua expressions to act on.
 */
export const luaBlock = {
  /** An expression: ms left of the block at `key` (≤ 0: none). */
  remaining: (key: string) => `redis.call('PTTL', ${key})`,
  /** Statements: starts the block at `key`, and raises `retry` to its length. */
  start: (key: string, blockMs: string, retry: string) =>
    `${retry} = math.max(${retry}, ${blockMs})
redis.call('SET', ${key}, '1', 'PX', ${retry})`,
};
