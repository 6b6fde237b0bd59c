/** Stable, machine-readable codes: match on `error.code`, never on the message. */
export const ErrorCodes = {
  config: 'E_CACHE_CONFIG',
  key: 'E_CACHE_KEY',
  serialization: 'E_CACHE_SERIALIZATION',
  lockTimeout: 'E_LOCK_TIMEOUT',
  lockLost: 'E_LOCK_LOST',
  rateLimitExceeded: 'E_RATE_LIMIT_EXCEEDED',
  rateLimitUnavailable: 'E_RATE_LIMIT_UNAVAILABLE',
  writeBehind: 'E_WRITE_BEHIND',
  writeBehindNotReplicated: 'E_WRITE_BEHIND_NOT_REPLICATED',
  /** Redis is skipped (breaker open, not connected) and the call has no fallback (`failOpen: false`). */
  storeUnavailable: 'E_STORE_UNAVAILABLE',
  /** A call refused at once because the circuit breaker is open. */
  breakerOpen: 'E_BREAKER_OPEN',
  /** `@cachet/testing`: no `redis-server` binary to start. */
  redisServerNotFound: 'E_REDIS_SERVER_NOT_FOUND',
  /** `@cachet/testing`: the consistency checker found a history no guarantee allows. */
  consistencyViolation: 'E_CONSISTENCY',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Base class of every error Cachet throws on purpose. */
export abstract class CachetError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad configuration: thrown at bootstrap or decoration time, never on a request. */
export class CacheConfigError extends CachetError {
  readonly code = ErrorCodes.config;

  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`Invalid cache option "${option}": ${describe(value)}. Expected ${expected}.`);
  }
}

/** A cache key that would collide or is meaningless (`''`, `undefined`, `[object Object]`). */
export class CacheKeyError extends CachetError {
  readonly code = ErrorCodes.key;

  constructor(
    readonly key: unknown,
    reason: string,
  ) {
    super(`Invalid cache key ${describe(key)}: ${reason}`);
  }
}

/** A value that cannot be serialized (or read back); nothing was written. */
export class SerializationError extends CachetError {
  readonly code = ErrorCodes.serialization;

  constructor(
    readonly key: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot serialize the value for key "${key}": ${reason}. Nothing was written.`, options);
  }
}

/** `withLock` could not acquire the lock within `wait`. */
export class LockTimeoutError extends CachetError {
  readonly code = ErrorCodes.lockTimeout;

  constructor(
    readonly lockName: string,
    readonly waitedMs: number,
  ) {
    super(`Lock "${lockName}" not acquired within ${waitedMs} ms; raise lock.wait or shorten the critical section.`);
  }
}

/** A request refused by a rate limit (the framework-free twin of Nest's 429 `RateLimitExceededException`). */
export class RateLimitExceededError extends CachetError {
  readonly code = ErrorCodes.rateLimitExceeded;

  constructor(
    readonly policy: string,
    /** Whole milliseconds until a retry can pass. */
    readonly retryAfterMs: number,
  ) {
    super(`Rate limit "${policy}" exceeded; retry in ${Math.ceil(retryAfterMs / 1000)} s.`);
  }
}

/** Redis could not answer a rate-limit check and `failOpen` is off: the request is refused (HTTP 503). */
export class RateLimitUnavailableError extends CachetError {
  readonly code = ErrorCodes.rateLimitUnavailable;

  constructor(options?: ErrorOptions) {
    super('Rate limiter unavailable: Redis did not answer and failOpen is off.', options);
  }
}

/** A held lock could no longer be confirmed (another holder has it, or Redis was unreachable for a whole TTL). */
export class LockLostError extends CachetError {
  readonly code = ErrorCodes.lockLost;

  constructor(
    readonly lockName: string,
    reason: string,
  ) {
    super(
      `Lock "${lockName}" lost: ${reason}. Stop writing to what it protects; the fencing token tells the resource.`,
    );
  }
}

/** A write-behind call could not be accepted (queue full with `onFull: 'error'`, or Redis unavailable). */
export class WriteBehindError extends CachetError {
  readonly code = ErrorCodes.writeBehind;

  constructor(
    readonly queue: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Write-behind queue "${queue}": ${reason}`, options);
  }
}

/**
 * With `durability: 'replica'`: the entry is recorded on the primary (and will
 * be persisted if the primary survives), but no replica confirmed it within
 * `replicaTimeout`, so a failover now could lose it.
 */
export class WriteBehindNotReplicatedError extends CachetError {
  readonly code = ErrorCodes.writeBehindNotReplicated;

  constructor(
    readonly queue: string,
    /** Stream ID of the entry on the primary. */
    readonly id: string,
    readonly timeoutMs: number,
  ) {
    super(
      `Write-behind queue "${queue}": entry ${id} is on the primary, but no replica confirmed it within ` +
        `${timeoutMs} ms; a failover now could lose it (it stays queued, and is persisted if the primary survives).`,
    );
  }
}

/** Short, safe rendering of a bad value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
