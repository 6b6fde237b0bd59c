import type { RateLimitAlgorithm } from '../rate-limit.store.js';
import { LUA_FIXED_WINDOW } from './rate-limit-fixed-window.script.js';
import type { LuaStep } from './rate-limit-lua-step.js';
import { LUA_SLIDING_LOG } from './rate-limit-sliding-log.script.js';
import { LUA_SLIDING_WINDOW } from './rate-limit-sliding-window.script.js';
import { LUA_TOKEN_BUCKET } from './rate-limit-token-bucket.script.js';

/** Each algorithm's Lua step. */
export const LUA_STEPS: Record<RateLimitAlgorithm, LuaStep> = {
  'fixed-window': LUA_FIXED_WINDOW,
  'sliding-window': LUA_SLIDING_WINDOW,
  'sliding-log': LUA_SLIDING_LOG,
  'token-bucket': LUA_TOKEN_BUCKET,
};
