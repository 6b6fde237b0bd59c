import { clusterSlot } from './cluster-slot.js';
import {
  RATE_LIMIT_ALGORITHM_CODES,
  RATE_LIMIT_MAX_BATCH,
  rateLimitConsumeScripts,
} from './rate-limit-consume.script.js';
import { rateLimitRefundScripts } from './rate-limit-refund.script.js';
import type {
  RateLimitBatchOutcome,
  RateLimitConsumeRequest,
  RateLimitKeys,
  RateLimitOutcome,
  RateLimitStore,
} from './rate-limit.store.js';
import type { RedisConnection } from './redis-connection.js';

/**
 * Rate limits on Redis: one EVALSHA per batch of policies (one for a single
 * policy), their keys in one slot, the server's clock.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly maxBatch = RATE_LIMIT_MAX_BATCH;

  constructor(private readonly connection: RedisConnection) {
    connection.define(...rateLimitConsumeScripts, ...rateLimitRefundScripts);
  }

  async consume(request: RateLimitConsumeRequest): Promise<RateLimitOutcome> {
    return (await this.consumeAll([request])).outcomes[0]!;
  }

  async consumeAll(requests: readonly RateLimitConsumeRequest[]): Promise<RateLimitBatchOutcome> {
    const script = rateLimitConsumeScripts[requests.length - 1];
    if (!script)
      throw new Error(`A rate-limit batch holds 1 to ${RATE_LIMIT_MAX_BATCH} policies, got ${requests.length}`);
    const keys: string[] = [];
    const args: number[] = [];
    for (const { keys: pair, algorithm, limit, windowMs, cost, blockMs, burst } of requests) {
      keys.push(pair.state, pair.block);
      args.push(RATE_LIMIT_ALGORITHM_CODES[algorithm], limit, windowMs, cost, blockMs, burst);
    }
    const reply = await this.connection.run<Array<number | string>>(script, keys, args);
    const outcomes: RateLimitOutcome[] = [];
    const receipts: Array<string | number> = [];
    for (let i = 0; i < requests.length; i++) {
      const [allowed, remaining, resetMs, retryAfterMs, receipt] = reply.slice(1 + i * 5, 6 + i * 5);
      outcomes.push({
        allowed: allowed === 1,
        remaining: remaining as number,
        resetMs: resetMs as number,
        retryAfterMs: retryAfterMs as number,
      });
      receipts.push(receipt!);
    }
    return { allowed: reply[0] === 1, outcomes, receipts };
  }

  slotOf(keys: RateLimitKeys): number {
    return this.connection.isCluster ? clusterSlot(keys.state) : 0;
  }

  async refund(requests: readonly RateLimitConsumeRequest[], receipts: ReadonlyArray<string | number>): Promise<void> {
    const script = rateLimitRefundScripts[requests.length - 1];
    if (!script)
      throw new Error(`A rate-limit refund holds 1 to ${RATE_LIMIT_MAX_BATCH} policies, got ${requests.length}`);
    const args: Array<string | number> = [];
    requests.forEach(({ algorithm, limit, windowMs, cost }, i) =>
      args.push(RATE_LIMIT_ALGORITHM_CODES[algorithm], limit, windowMs, cost, receipts[i]!),
    );
    await this.connection.run(
      script,
      requests.map(({ keys }) => keys.state),
      args,
    );
  }

  async reset(keys: RateLimitKeys): Promise<void> {
    // Two keys of one slot: a single DEL is one round trip on Cluster too.
    await this.connection.client.del(keys.state, keys.block);
  }
}
