/**
 * The server's clock in whole microseconds (exact in a Lua double until year
 * 2255), shared by the rate-limit scripts (inlined at definition time, so each
 * script is still a constant). `__time` stays in scope for the sliding log's
 * member stamps.
 */
export const LUA_NOW_US = `
local __time = redis.call('TIME')
local nowUs = tonumber(__time[1]) * 1000000 + tonumber(__time[2])
`;
