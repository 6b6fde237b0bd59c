/**
 * Lua fragments shared by the queue scripts (inlined at definition time; the
 * scripts stay constants). The overlay hash maps an item key to
 * `<stream id>|d` (pending delete) or `<stream id>|v<value bytes>`; an entry
 * clears it only while it still names that entry, so a newer write keeps its
 * overlay.
 */
export const LUA_OVERLAY_CLEAR = `
local function overlay_clear(hash, key, id)
  local current = redis.call('HGET', hash, key)
  if current and string.sub(current, 1, #id + 1) == id .. '|' then redis.call('HDEL', hash, key) end
end
`;

/** Creates the consumer group (and the stream) when the stream does not exist yet. */
export const LUA_ENSURE_GROUP = `
local function ensure_group(stream, group)
  if redis.call('EXISTS', stream) == 0 then redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM') end
end
`;
