import { clusterSlot } from '../redis/cluster-slot.js';
import { RATE_LIMIT_MAX_BATCH, rateLimitConsumeCall, rateLimitConsumeScripts } from './rate-limit-consume.script.js';
import { rateLimitConsumeOneScripts } from './rate-limit-consume-one.script.js';
import { rateLimitRefundCall, rateLimitRefundScripts } from './rate-limit-refund.script.js';
import type {
  RateLimitBatchOutcome,
  RateLimitConsumeRequest,
  RateLimitKeys,
  RateLimitOutcome,
  RateLimitStore,
} from '../rate-limit.store.js';
import type { RedisConnection } from '../redis/redis-connection.js';

/**
 * Rate limits on Redis: one EVALSHA per batch of policies, their keys in one
 * slot, the server's clock. A single policy runs its algorithm's own script.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly maxBatch = RATE_LIMIT_MAX_BATCH;

  constructor(private readonly connection: RedisConnection) {
    connection.define(
      ...Object.values(rateLimitConsumeOneScripts),
      ...rateLimitConsumeScripts,
      ...rateLimitRefundScripts,
    );
  }

  consume(request: RateLimitConsumeRequest): Promise<RateLimitOutcome> {
    // The request names its values as the script does: it is the script's arguments as it is.
    return this.connection.run(rateLimitConsumeOneScripts[request.algorithm], request.keys, request);
  }

  consumeAll(requests: readonly RateLimitConsumeRequest[]): Promise<RateLimitBatchOutcome> {
    const { script, keys, args } = rateLimitConsumeCall(requests);
    return this.connection.run(script, keys, args);
  }

  slotOf(keys: RateLimitKeys): number {
    return this.connection.isCluster ? clusterSlot(keys.state) : 0;
  }

  async refund(requests: readonly RateLimitConsumeRequest[], receipts: ReadonlyArray<string | number>): Promise<void> {
    const { script, keys, args } = rateLimitRefundCall(requests, receipts);
    await this.connection.run(script, keys, args);
  }

  async reset(keys: RateLimitKeys): Promise<void> {
    // Two keys of one slot: a single DEL is one round trip on Cluster too.
    await this.connection.call((client) => client.del(keys.state, keys.block));
  }
}
