import type {
  RateLimitAlgorithm,
  RateLimitBatchOutcome,
  RateLimitConsumeRequest,
  RateLimitOutcome,
} from '../rate-limit.store.js';
import { luaBlock } from './rate-limit-block.script.js';
import { LUA_CLOCK } from './rate-limit-clock.fragment.js';
import { luaStepFunction } from './rate-limit-lua-step.js';
import { LUA_STEPS } from './rate-limit-steps.js';
import { defineScript } from '../redis/redis-script.js';

/** The code each algorithm goes by in ARGV (its step's position in the script's table). */
export const RATE_LIMIT_ALGORITHM_CODES: Record<RateLimitAlgorithm, number> = {
  'fixed-window': 1,
  'sliding-window': 2,
  'sliding-log': 3,
  'token-bucket': 4,
};

/** The algorithms by code: the step of code n is the script's `steps[n]`. */
const ALGORITHMS = (Object.keys(RATE_LIMIT_ALGORITHM_CODES) as RateLimitAlgorithm[]).sort(
  (a, b) => RATE_LIMIT_ALGORITHM_CODES[a] - RATE_LIMIT_ALGORITHM_CODES[b],
);

/** Policies one script checks at most; a larger batch is split (and then checked as for several slots). */
export const RATE_LIMIT_MAX_BATCH = 8;

/** ARGV of one policy, by name, in the order the script reads them. */
const POLICY_ARGS = ['algorithm', 'limit', 'windowMs', 'cost', 'blockMs', 'burst'] as const;

/** ARGV values per policy. */
export const RATE_LIMIT_ARGS_PER_POLICY = POLICY_ARGS.length;

/**
 * Checks every policy of one request against one clock reading and takes
 * their units only if all of them admit: admitted by all, or consuming none.
 * A policy serving a block refuses at once; the refusal that exceeds a limit
 * starts that policy's block (`blockMs`), as with one policy. Each algorithm
 * is a step that decides without writing; the writes happen after every
 * policy has decided. All keys must share a slot (the caller groups them).
 *
 * KEYS: policyKeys (state₁, block₁, state₂, block₂, …)
 * ARGV: policyArgs (per policy: algorithm code, limit, windowMs, cost, blockMs, burst)
 * Reply: { admitted 0|1, then per policy: admits 0|1, remaining, resetMs, retryAfterMs, receipt }
 * where a policy's remaining/reset describe what it holds after the request
 * (nothing taken unless every policy admitted) and the receipt (0 unless
 * admitted) is what a refund needs.
 */
const LUA = `${LUA_CLOCK}${ALGORITHMS.map((algorithm) => luaStepFunction(LUA_STEPS[algorithm])).join('')}
local steps = { ${ALGORITHMS.map((algorithm) => LUA_STEPS[algorithm].fn).join(', ')} }
local n = #KEYS / 2
local decisions = {}
local admitted = true
for i = 1, n do
  local a = (i - 1) * ${RATE_LIMIT_ARGS_PER_POLICY}
  local algorithm, limit, window = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  local cost, blockMs, burst = tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6])
  local d = { blockMs = blockMs }
  local blocked = ${luaBlock.remaining('KEYS[2 * i]')}
  if blocked > 0 then
    d.ok, d.blocked, d.remaining, d.reset, d.retry = false, true, 0, blocked, blocked
  else
    d.ok, d.remaining, d.reset, d.retry, d.commit, d.idle = steps[algorithm](KEYS[2 * i - 1], limit, window, cost, burst)
  end
  decisions[i] = d
  if not d.ok then admitted = false end
end
local reply = { admitted and 1 or 0 }
for i = 1, n do
  local d = decisions[i]
  local remaining, reset, retry, receipt = d.remaining, d.reset, 0, 0
  if admitted then
    receipt = d.commit(true)
  elseif d.ok then
    remaining, reset = d.idle()
  else
    retry = d.retry
    if not d.blocked and d.blockMs > 0 then
      ${luaBlock.start('KEYS[2 * i]', 'd.blockMs', 'retry')}
      reset = math.max(reset, retry)
    end
    remaining = math.max(remaining, 0)
  end
  local base = #reply
  reply[base + 1] = d.ok and 1 or 0
  reply[base + 2] = remaining
  reply[base + 3] = reset
  reply[base + 4] = retry
  reply[base + 5] = receipt
end
return reply
`;

/**
 * The script for batches of 1 … RATE_LIMIT_MAX_BATCH policies: one text, a
 * fixed key count each, because on Cluster a script command is routed by its
 * first key and so cannot take a variable count. Built once at module load
 * from the constant fragments above.
 */
export const rateLimitConsumeScripts = Array.from({ length: RATE_LIMIT_MAX_BATCH }, (_, i) =>
  defineScript({
    name: `cachetRateLimit${i + 1}`,
    lua: LUA,
    numberOfKeys: 2 * (i + 1),
    keys: [],
    moreKeys: 'policyKeys',
    args: [],
    moreArgs: 'policyArgs',
    decode: (reply: Array<number | string>) => decodeRateLimitConsume(reply, i + 1),
  }),
);

/** The script, keys and arguments of one batch. */
export function rateLimitConsumeCall(requests: readonly RateLimitConsumeRequest[]) {
  const script = rateLimitConsumeScripts[requests.length - 1];
  if (!script)
    throw new Error(`A rate-limit batch holds 1 to ${RATE_LIMIT_MAX_BATCH} policies, got ${requests.length}`);
  const policyKeys: string[] = [];
  const policyArgs: number[] = [];
  for (const { keys, algorithm, limit, windowMs, cost, blockMs, burst } of requests) {
    policyKeys.push(keys.state, keys.block);
    const policy = { algorithm: RATE_LIMIT_ALGORITHM_CODES[algorithm], limit, windowMs, cost, blockMs, burst };
    for (const name of POLICY_ARGS) policyArgs.push(policy[name]);
  }
  return { script, keys: { policyKeys }, args: { policyArgs } };
}

/** Reads the script's reply for a batch of `count` policies. */
function decodeRateLimitConsume(reply: Array<number | string>, count: number): RateLimitBatchOutcome {
  const outcomes: RateLimitOutcome[] = [];
  const receipts: Array<string | number> = [];
  for (let i = 0; i < count; i++) {
    const [allowed, remaining, resetMs, retryAfterMs, receipt] = reply.slice(1 + i * 5, 6 + i * 5);
    outcomes.push({
      allowed: allowed === 1,
      remaining: Number(remaining),
      resetMs: Number(resetMs),
      retryAfterMs: Number(retryAfterMs),
    });
    receipts.push(receipt!);
  }
  return { allowed: reply[0] === 1, outcomes, receipts };
}
