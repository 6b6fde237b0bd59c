import { RATE_LIMIT_ALGORITHM_CODES, RATE_LIMIT_MAX_BATCH } from './rate-limit-consume.script.js';
import type { RateLimitConsumeRequest } from '../rate-limit.store.js';
import { LUA_CLOCK } from './rate-limit-clock.fragment.js';
import { defineScript } from '../redis/redis-script.js';

/** ARGV of one policy's refund, by name, in the order the script reads them. */
const REFUND_ARGS = ['algorithm', 'limit', 'windowMs', 'cost', 'receipt'] as const;

/** ARGV values per policy. */
export const RATE_LIMIT_REFUND_ARGS_PER_POLICY = REFUND_ARGS.length;

/**
 * Gives back the units an admitted batch took, when a batch in another slot
 * refused the same request. A refund returns at most what was taken and only
 * while it is still counted, so it can never admit more than a policy allows:
 *
 * - fixed-window: only while the window it counted in is still the live one
 *   (its end, the receipt, matches now + PTTL; a new window would end at least
 *   a window later).
 * - sliding-window: from the window it counted in (the receipt), or from the
 *   previous-window count once that window has become the previous one.
 * - sliding-log: removes exactly its members (the receipt).
 * - token-bucket: the TAT moves back by what the request added, less the time
 *   since the anchor it started from (the receipt); by then that much of its
 *   debt has drained anyway, and an emptied bucket is never credited.
 *
 * KEYS: policyKeys (state₁, state₂, …)
 * ARGV: policyArgs (per policy: algorithm code, limit, windowMs, cost, receipt)
 */
const LUA = `${LUA_CLOCK}
local nowUs = clockUs()
for i = 1, #KEYS do
  local a = (i - 1) * ${RATE_LIMIT_REFUND_ARGS_PER_POLICY}
  local algorithm, limit, window = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  local cost, receipt = tonumber(ARGV[a + 4]), ARGV[a + 5]
  local key = KEYS[i]
  if algorithm == 1 then
    local ttl = redis.call('PTTL', key)
    local drift = math.abs(math.floor(nowUs / 1000) + ttl - tonumber(receipt))
    if ttl > 0 and drift <= math.floor(window / 2) - 1 and tonumber(redis.call('GET', key) or '0') >= cost then
      redis.call('DECRBY', key, cost)
    end
  elseif algorithm == 2 then
    local stored = redis.call('HMGET', key, 'w', 'c', 'p')
    local index = tonumber(receipt)
    if tonumber(stored[1]) == index and (tonumber(stored[2]) or 0) >= cost then
      redis.call('HINCRBY', key, 'c', -cost)
    elseif tonumber(stored[1]) == index + 1 and (tonumber(stored[3]) or 0) >= cost then
      redis.call('HINCRBY', key, 'p', -cost)
    end
  elseif algorithm == 3 then
    for member in string.gmatch(receipt, '%S+') do redis.call('ZREM', key, member) end
  elseif algorithm == 4 then
    local anchor = tonumber(receipt)
    local taken = math.floor(anchor + window * 1000 / limit * cost + 0.5) - anchor
    local give = taken - math.max(nowUs - anchor, 0)
    local tat = tonumber(redis.call('GET', key) or '0')
    if give > 0 and tat > nowUs then
      local nextTat = tat - give
      if nextTat > nowUs then
        redis.call('SET', key, nextTat, 'PX', math.max(math.ceil((nextTat - nowUs) / 1000), 1))
      else
        redis.call('DEL', key)
      end
    end
  end
end
return 1
`;

/** Refunds for 1 … RATE_LIMIT_MAX_BATCH policies (fixed key counts, as for the consume script). */
export const rateLimitRefundScripts = Array.from({ length: RATE_LIMIT_MAX_BATCH }, (_, i) =>
  defineScript({
    name: `cachetRateLimitRefund${i + 1}`,
    lua: LUA,
    numberOfKeys: i + 1,
    keys: [],
    moreKeys: 'policyKeys',
    args: [],
    moreArgs: 'policyArgs',
    decode: () => undefined,
  }),
);

/** The script, keys and arguments of the refund of one admitted batch, given the receipts it answered. */
export function rateLimitRefundCall(
  requests: readonly RateLimitConsumeRequest[],
  receipts: ReadonlyArray<string | number>,
) {
  const script = rateLimitRefundScripts[requests.length - 1];
  if (!script || receipts.length !== requests.length) {
    throw new Error(`A rate-limit refund holds 1 to ${RATE_LIMIT_MAX_BATCH} policies, each with its receipt`);
  }
  const policyArgs: Array<string | number> = [];
  requests.forEach(({ algorithm, limit, windowMs, cost }, i) => {
    const refund = { algorithm: RATE_LIMIT_ALGORITHM_CODES[algorithm], limit, windowMs, cost, receipt: receipts[i]! };
    for (const name of REFUND_ARGS) policyArgs.push(refund[name]);
  });
  return { script, keys: { policyKeys: requests.map(({ keys }) => keys.state) }, args: { policyArgs } };
}
