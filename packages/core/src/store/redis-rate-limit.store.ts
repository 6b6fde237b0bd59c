import { rateLimitFixedWindowScript } from './rate-limit-fixed-window.script.js';
import { rateLimitSlidingLogScript } from './rate-limit-sliding-log.script.js';
import { rateLimitSlidingWindowScript } from './rate-limit-sliding-window.script.js';
import { rateLimitTokenBucketScript } from './rate-limit-token-bucket.script.js';
import type {
  RateLimitAlgorithm,
  RateLimitConsumeRequest,
  RateLimitKeys,
  RateLimitOutcome,
  RateLimitStore,
} from './rate-limit.store.js';
import type { LuaScript, RedisConnection } from './redis-connection.js';

const SCRIPTS: Record<RateLimitAlgorithm, LuaScript> = {
  'fixed-window': rateLimitFixedWindowScript,
  'sliding-window': rateLimitSlidingWindowScript,
  'sliding-log': rateLimitSlidingLogScript,
  'token-bucket': rateLimitTokenBucketScript,
};

/** Rate limits on Redis: one EVALSHA per consume, two keys in one slot, the server's clock. */
export class RedisRateLimitStore implements RateLimitStore {
  constructor(private readonly connection: RedisConnection) {
    connection.define(...Object.values(SCRIPTS));
  }

  async consume(request: RateLimitConsumeRequest): Promise<RateLimitOutcome> {
    const { keys, limit, windowMs, cost, blockMs, burst } = request;
    const [allowed, remaining, resetMs, retryAfterMs] = await this.connection.run<number[]>(
      SCRIPTS[request.algorithm],
      [keys.state, keys.block],
      [limit, windowMs, cost, blockMs, burst],
    );
    return { allowed: allowed === 1, remaining: remaining!, resetMs: resetMs!, retryAfterMs: retryAfterMs! };
  }

  async reset(keys: RateLimitKeys): Promise<void> {
    // Two keys of one slot: a single DEL is one round trip on Cluster too.
    await this.connection.call((client) => client.del(keys.state, keys.block));
  }
}
