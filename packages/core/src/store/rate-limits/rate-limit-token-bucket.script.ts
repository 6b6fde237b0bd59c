import type { LuaStep } from './rate-limit-lua-step.js';

/**
 * Token bucket as GCRA: one number per subject, the theoretical arrival time
 * (TAT, whole µs on the server's clock). A unit is emitted every
 * window/limit; `burst` units may be taken at once. The TTL is the time until
 * the bucket is full again, after which the key is not needed. The receipt is
 * the TAT it started from (the anchor a refund needs).
 */
export const LUA_TOKEN_BUCKET: LuaStep = {
  fn: 'tokenBucket',
  clock: true,
  decide: `
local emission = window * 1000 / limit
local tolerance = emission * burst
local tat = tonumber(redis.call('GET', key) or '0')
if tat < nowUs then tat = nowUs end
local nextTat = math.floor(tat + emission * cost + 0.5)
local allowAt = nextTat - tolerance
local remainingNow = math.floor((tolerance - (tat - nowUs)) / emission + 1e-9)
local ok = not (allowAt > nowUs)
local remaining, reset, retry
if ok then
  remaining = math.floor((tolerance - (nextTat - nowUs)) / emission + 1e-9)
  reset, retry = math.ceil((nextTat - nowUs) / 1000), 0
else
  remaining, reset = remainingNow, math.ceil((tat - nowUs) / 1000)
  retry = math.max(math.ceil((allowAt - nowUs) / 1000), 1)
end
`,
  commit: `
redis.call('SET', key, nextTat, 'PX', math.max(reset, 1))
`,
  receipt: 'tat',
  idle: `
remaining, reset = remainingNow, math.ceil((tat - nowUs) / 1000)
`,
};
