/**
 * The server's clock in whole microseconds (exact in a Lua double until year
 * 2255), for the rate-limit scripts (inlined at definition time, so each
 * script is still a constant). `__time` holds the reading (the sliding log
 * stamps its members with it).
 *
 * `LUA_NOW_US` reads it at once into `nowUs`: a script of one policy whose
 * algorithm needs the time. `LUA_CLOCK` defines `clockUs()`, which reads it on
 * first use only: every policy of a batch sees one reading, and a batch that
 * needs no time sends no TIME.
 */
export const LUA_NOW_US = `
local __time = redis.call('TIME')
local nowUs = tonumber(__time[1]) * 1000000 + tonumber(__time[2])
`;

export const LUA_CLOCK = `
local __time, __nowUs
local function clockUs()
  if not __nowUs then
    __time = redis.call('TIME')
    __nowUs = tonumber(__time[1]) * 1000000 + tonumber(__time[2])
  end
  return __nowUs
end
`;
