/**
 * Lua fragments shared by the queue scripts (inlined at definition time; the
 * scripts stay constants). The overlay hash maps an item key to its newest
 * pending entry: `<stream id>|d` (a delete), `<stream id>|v<value bytes>` (a
 * write and its value) or `<stream id>|n` (a write without a value: nothing to
 * show, but the newest write is known). An entry clears it only while it still
 * names that entry, so a newer write keeps its overlay.
 */
export const LUA_OVERLAY_CLEAR = `
local function overlay_clear(hash, key, id)
  local current = redis.call('HGET', hash, key)
  if current and string.sub(current, 1, #id + 1) == id .. '|' then redis.call('HDEL', hash, key) end
end
`;

/**
 * Keeps the newest-append index of a key current, for keys that have dead
 * letters (see QueueKeys.newest).
 */
export const LUA_NEWEST_TOUCH = `
local function newest_touch(hash, key, id)
  if redis.call('HEXISTS', hash, key) == 1 then redis.call('HSET', hash, key, id) end
end
`;

/** Creates the consumer group (and the stream) when the stream does not exist yet. */
export const LUA_ENSURE_GROUP = `
local function ensure_group(stream, group)
  if redis.call('EXISTS', stream) == 0 then redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM') end
end
`;
