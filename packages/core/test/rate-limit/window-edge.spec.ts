import type { RateLimitAlgorithm } from '@cachet/core';
import { openLimiter, type LimiterFixture } from './limiters.js';
import { sleep } from '@cachet/testing';
import { REDIS_STORE_KINDS } from '../support/stores.js';

const LIMIT = 20;
const WINDOW_MS = 2_000;

/**
 * One request opens the window; the rest of the quota is spent late in it;
 * a full burst follows just after the fixed window resets. Both bursts sit
 * well inside one window's length of each other.
 */
async function straddle(fixture: LimiterFixture, algorithm: RateLimitAlgorithm) {
  const rule = { limit: LIMIT, window: WINDOW_MS, algorithm };
  const subject = `edge:${algorithm}`;
  const consume = (n: number) => Promise.all(Array.from({ length: n }, () => fixture.limiter.consume(subject, rule)));
  const [first] = await consume(1);
  // Measured after the reply, so never earlier than the window's true end.
  const windowEndsAt = Date.now() + first!.resetMs;
  await sleep(WINDOW_MS * 0.7);
  const late = await consume(LIMIT - 1);
  const lateAt = Date.now();
  await sleep(Math.max(windowEndsAt - Date.now(), 0) + 30);
  const early = await consume(LIMIT);
  const spanMs = Date.now() - lateAt;
  const passed = (results: typeof late) => results.filter((result) => result.allowed).length;
  return { late: passed(late), early: passed(early), spanMs };
}

describe.each(REDIS_STORE_KINDS)('window edges: %s', (kind) => {
  let fixture: LimiterFixture;
  beforeAll(() => {
    fixture = openLimiter(kind);
  });
  afterAll(() => fixture.close());

  it('fixed-window admits up to twice the limit across a boundary; sliding-log never exceeds it', async () => {
    const [fixed, log] = await Promise.all([straddle(fixture, 'fixed-window'), straddle(fixture, 'sliding-log')]);
    console.log(
      `[${kind}] across one edge, within ${Math.max(fixed.spanMs, log.spanMs)} ms (window ${WINDOW_MS} ms): ` +
        `fixed-window admitted ${fixed.late + fixed.early}, sliding-log ${log.late + log.early} (limit ${LIMIT})`,
    );
    expect(fixed.late).toBe(LIMIT - 1);
    expect(fixed.early).toBe(LIMIT);
    expect(log.late).toBe(LIMIT - 1);
    // Only the opening request has left the sliding log; the late burst is still inside it.
    expect(log.early).toBe(1);
  });
});
