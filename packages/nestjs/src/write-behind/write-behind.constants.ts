/** The module's write-behind engine (`WriteBehindEngine` from `@cachet/core`) on the module's store. */
export const CACHE_WRITE_BEHIND = Symbol('CACHE_WRITE_BEHIND');

/** Where `@WriteBehind` keeps its options (on the method's trampoline). */
export const WRITE_BEHIND_METADATA = Symbol('cachet:write-behind');

/** Where `@WriteBehindBatch` records the queue it persists (on the method). */
export const WRITE_BEHIND_BATCH_METADATA = Symbol('cachet:write-behind-batch');
