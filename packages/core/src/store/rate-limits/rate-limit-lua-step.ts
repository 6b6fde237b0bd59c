/**
 * One algorithm of the rate-limit scripts, as Lua code the scripts inline:
 * the script of a lone policy runs it straight through (nothing to allocate
 * beyond what Redis replies), the batch script wraps it in a function
 * (`luaStepFunction`). Either way the arithmetic is written once, here and
 * in the algorithm's file; the TypeScript step of the same name mirrors it
 * for the memory store.
 *
 * The code sees `key`, `limit`, `window` (ms), `cost`, `burst`, and `nowUs`
 * when `clock` is set. `decide` reads without writing and sets `ok`,
 * `remaining`, `reset` and `retry` (0 when ok); `commit` takes the units;
 * `receipt` is the expression, valid after `commit`, a refund needs; `idle`
 * sets `remaining` and `reset` to what the subject holds if the units are
 * not taken (another policy of the batch refused).
 */
export interface LuaStep {
  /** The function's name in the batch script. */
  fn: string;
  clock: boolean;
  decide: string;
  commit: string;
  receipt: string;
  idle: string;
}

/**
 * The step as the batch script calls it:
 * `fn(key, limit, window, cost, burst)` → `ok, remaining, reset, retry[, commit, idle]`,
 * where `commit(wantReceipt)` takes the units (answering the receipt, or 0)
 * and `idle()` answers `remaining, reset`. The clock is the batch's lazy one.
 */
export function luaStepFunction(step: LuaStep): string {
  return `
local function ${step.fn}(key, limit, window, cost, burst)
${step.clock ? 'local nowUs = clockUs()' : ''}${step.decide}
if not ok then return false, remaining, reset, retry end
return true, remaining, reset, retry,
  function(wantReceipt)
${step.commit}
    if wantReceipt then return ${step.receipt} end
    return 0
  end,
  function()
${step.idle}
    return remaining, reset
  end
end
`;
}
