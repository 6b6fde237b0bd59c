import assert from 'node:assert/strict';
import { type RateLimitAlgorithm } from '@cachet/core';
import { KeySpace, type RateLimitConsumeRequest, type Store } from '@cachet/core/store';
import { sleep } from '../sleep.js';
import { uniqueNamespace } from '../unique-namespace.js';
import { assertBetween } from './assertions.js';
import { resolveTestApi, type ContractTestApi } from './contract-test-api.js';

const ALGORITHMS: readonly RateLimitAlgorithm[] = ['fixed-window', 'sliding-window', 'sliding-log', 'token-bucket'];

type Policy = Partial<Omit<RateLimitConsumeRequest, 'keys'>> & { subject?: string; slot?: string };

/** Requests on one fresh namespace: `policy()` builds a request, subjects sharing a `slot` can share a batch. */
function policies(algorithm: RateLimitAlgorithm) {
  const keySpace = new KeySpace(uniqueNamespace('rl'));
  return ({ subject = 'client', slot = 'client', ...rest }: Policy = {}): RateLimitConsumeRequest => ({
    keys: keySpace.rateLimit(rest.algorithm ?? algorithm, subject, slot),
    algorithm,
    limit: 5,
    windowMs: 60_000, // long enough that no window ends during a case unless it asks for one
    cost: 1,
    blockMs: 0,
    burst: rest.limit ?? 5,
    ...rest,
  });
}

/**
 * The behaviour every RateLimitStore must have, for each algorithm: admit up
 * to the limit and refuse past it without taking units, give quota back with
 * time, block after the refusal that exceeds the limit, decide a batch as one
 * (admitted by all or taking nothing), refund, reset.
 */
export function rateLimitStoreContract(getStore: () => Store, test?: ContractTestApi): void {
  const { describe, it } = resolveTestApi(test);

  for (const algorithm of ALGORITHMS) {
    describe(algorithm, () => {
      it('admits up to the limit, counting the cost, and refuses past it without taking units', async () => {
        const { rateLimits } = getStore();
        const request = policies(algorithm)();
        const three = await rateLimits.consume({ ...request, cost: 3 });
        assert.equal(three.allowed, true);
        assert.equal(three.remaining, 2);
        assert.equal(three.retryAfterMs, 0);
        assertBetween(three.resetMs, 1, 120_000, 'resetMs of an admitted request');
        const refused = await rateLimits.consume({ ...request, cost: 3 });
        assert.equal(refused.allowed, false);
        assert.equal(refused.remaining, 2);
        assertBetween(refused.retryAfterMs, 1, 120_000, 'retryAfterMs of a refusal');
        assertBetween(refused.resetMs, 1, 120_000, 'resetMs of a refusal');
        const two = await rateLimits.consume({ ...request, cost: 2 });
        assert.equal(two.allowed, true, 'the refusal took nothing');
        assert.equal(two.remaining, 0);
        const last = await rateLimits.consume(request);
        assert.equal(last.allowed, false);
        assert.equal(last.remaining, 0);
      });

      it('gives quota back once retryAfterMs has passed', async () => {
        const { rateLimits } = getStore();
        const request = policies(algorithm)({ limit: 2, windowMs: 300 });
        assert.equal((await rateLimits.consume(request)).allowed, true);
        assert.equal((await rateLimits.consume(request)).allowed, true);
        const refused = await rateLimits.consume(request);
        assert.equal(refused.allowed, false);
        assertBetween(refused.retryAfterMs, 1, 600, 'retryAfterMs in a 300 ms window');
        await sleep(refused.retryAfterMs + 30);
        assert.equal((await rateLimits.consume(request)).allowed, true);
      });

      it('blocks the subject for blockMs from the refusal that exceeds the limit; reset lifts it', async () => {
        const { rateLimits } = getStore();
        const request = policies(algorithm)({ limit: 1, windowMs: 200, blockMs: 3_000 });
        assert.equal((await rateLimits.consume(request)).allowed, true);
        const refused = await rateLimits.consume(request);
        assert.equal(refused.allowed, false);
        assertBetween(refused.retryAfterMs, 3_000, 3_000, 'retryAfterMs of the refusal that starts a block');
        assert.ok(refused.resetMs >= refused.retryAfterMs, `resetMs ${refused.resetMs} covers the block`);
        await sleep(300); // the window is over; the block is not
        const blocked = await rateLimits.consume(request);
        assert.equal(blocked.allowed, false);
        assert.equal(blocked.remaining, 0);
        assertBetween(blocked.retryAfterMs, 1, 2_750, 'the block runs from the first refusal, not extended');
        await rateLimits.reset(request.keys);
        assert.equal((await rateLimits.consume(request)).allowed, true);
      });

      it('reset makes the quota whole again', async () => {
        const { rateLimits } = getStore();
        const request = policies(algorithm)({ limit: 3 });
        await rateLimits.consume({ ...request, cost: 3 });
        assert.equal((await rateLimits.consume(request)).allowed, false);
        await rateLimits.reset(request.keys);
        assert.equal((await rateLimits.consume(request)).remaining, 2);
      });
    });
  }

  it('decides a batch as one: each policy takes its units only if every policy admits', async () => {
    const { rateLimits } = getStore();
    const policy = policies('fixed-window');
    const wide = policy({ subject: 'wide', limit: 10 });
    const narrow = policy({ subject: 'narrow', limit: 1, algorithm: 'token-bucket' });
    const log = policy({ subject: 'log', limit: 10, algorithm: 'sliding-log' });
    const admitted = await rateLimits.consumeAll([wide, narrow, log]);
    assert.equal(admitted.allowed, true);
    assert.deepEqual(
      admitted.outcomes.map((outcome) => [outcome.allowed, outcome.remaining]),
      [
        [true, 9],
        [true, 0],
        [true, 9],
      ],
    );
    const refused = await rateLimits.consumeAll([wide, narrow, log]);
    assert.equal(refused.allowed, false);
    assert.deepEqual(
      refused.outcomes.map((outcome) => [outcome.allowed, outcome.remaining]),
      [
        [true, 9],
        [false, 0],
        [true, 9],
      ],
      'the admitting policies report what they hold, untouched',
    );
    assert.equal(refused.outcomes[0]!.retryAfterMs, 0);
    assert.ok(refused.outcomes[1]!.retryAfterMs > 0);
    assert.equal((await rateLimits.consume(wide)).remaining, 8, 'the refused batch took nothing');
    assert.equal((await rateLimits.consume(log)).remaining, 8);
  });

  it('takes batches of up to maxBatch requests whose keys share a slot', async () => {
    const { rateLimits } = getStore();
    const policy = policies('sliding-window');
    const size = Math.min(rateLimits.maxBatch ?? 8, 8);
    const batch = Array.from({ length: size }, (_, i) => policy({ subject: `policy-${i}`, slot: 'one-client' }));
    if (rateLimits.slotOf) {
      const slots = new Set(batch.map((request) => rateLimits.slotOf!(request.keys)));
      assert.equal(slots.size, 1, 'subjects given one slot share it');
    }
    const outcome = await rateLimits.consumeAll(batch);
    assert.equal(outcome.allowed, true);
    assert.equal(outcome.outcomes.length, size);
    for (const single of outcome.outcomes) assert.equal(single.remaining, 4);
  });

  it('refunds an admitted batch (a store that can) so its units can be taken again, once', async () => {
    const { rateLimits } = getStore();
    for (const algorithm of ALGORITHMS) {
      const request = policies(algorithm)({ limit: 2 });
      const first = await rateLimits.consumeAll([request]);
      const second = await rateLimits.consumeAll([request]);
      assert.equal(second.allowed, true);
      if (!rateLimits.refund) {
        assert.equal(first.receipts, undefined, 'receipts are for stores that refund');
        continue;
      }
      assert.equal(second.receipts?.length, 1, `${algorithm}: one receipt per request`);
      assert.equal((await rateLimits.consume(request)).allowed, false);
      await rateLimits.refund([request], second.receipts!);
      assert.equal((await rateLimits.consume(request)).allowed, true, `${algorithm}: the refunded unit`);
      assert.equal((await rateLimits.consume(request)).allowed, false, `${algorithm}: no more than was refunded`);
    }
  });
}
