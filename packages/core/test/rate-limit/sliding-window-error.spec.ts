import type { RateLimitAlgorithm } from '@cachet/core';
import { MemoryRateLimitStore } from '@cachet/core/store';
import { limiterOn } from './limiters.js';

const LIMIT = 100;
const WINDOW_MS = 1_000;

/** Deterministic pseudo-random numbers (mulberry32), so figures are reproducible. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Feeds arrival times (ms) to a limiter on a controlled clock; returns the admitted times. */
async function run(
  algorithm: RateLimitAlgorithm,
  arrivals: number[],
): Promise<{ admitted: number[]; decisions: boolean[] }> {
  let nowUs = 0;
  const limiter = limiterOn(new MemoryRateLimitStore(() => nowUs));
  const admitted: number[] = [];
  const decisions: boolean[] = [];
  for (const at of arrivals) {
    nowUs = Math.round(at * 1000);
    const { allowed } = await limiter.consume('s', { limit: LIMIT, window: WINDOW_MS, algorithm });
    decisions.push(allowed);
    if (allowed) admitted.push(at);
  }
  return { admitted, decisions };
}

/** The most admissions found in any trailing window (t − w, t]. */
function worstTrailingCount(admitted: number[]): number {
  let worst = 0;
  let start = 0;
  for (let end = 0; end < admitted.length; end++) {
    while (admitted[start]! <= admitted[end]! - WINDOW_MS) start++;
    worst = Math.max(worst, end - start + 1);
  }
  return worst;
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(3)}%`;

/**
 * Replays one limiter's decisions against the exact rule: an admission is wrong when the trailing
 * window then holds more than the limit; a refusal is wrong when the request would still have fit.
 */
function judge(arrivals: number[], decisions: boolean[]): { wrongAdmissions: number; wrongRefusals: number } {
  const admitted: number[] = [];
  let start = 0;
  let wrongAdmissions = 0;
  let wrongRefusals = 0;
  arrivals.forEach((at, i) => {
    while (start < admitted.length && admitted[start]! <= at - WINDOW_MS) start++;
    const inWindow = admitted.length - start;
    if (decisions[i]) {
      if (inWindow + 1 > LIMIT) wrongAdmissions++;
      admitted.push(at);
    } else if (inWindow + 1 <= LIMIT) wrongRefusals++;
  });
  return { wrongAdmissions, wrongRefusals };
}

function poisson(ratePerWindow: number, windows: number, seed: number): number[] {
  const next = random(seed);
  const arrivals: number[] = [];
  for (let t = 0; t < windows * WINDOW_MS;) {
    t += (-Math.log(1 - next()) * WINDOW_MS) / ratePerWindow;
    arrivals.push(Math.round(t * 1000) / 1000); // whole µs, as the stores count
  }
  return arrivals;
}

describe('sliding-window error, measured against an exact sliding log on the same traffic', () => {
  it.each([
    ['Poisson at 1.2× the limit', 1.2],
    ['Poisson at 2× the limit', 2],
    ['Poisson at 10× the limit', 10],
  ])('%s', async (label, overload) => {
    const arrivals = poisson(LIMIT * overload, 200, 42);
    const approx = await run('sliding-window', arrivals);
    const exact = await run('sliding-log', arrivals);
    const worst = worstTrailingCount(approx.admitted);
    const { wrongAdmissions, wrongRefusals } = judge(arrivals, approx.decisions);
    console.log(
      `${label}: ${arrivals.length} requests; sliding-window admitted ${approx.admitted.length}, ` +
        `sliding-log ${exact.admitted.length}; decisions an exact limiter with the same history would not make: ` +
        `${pct(wrongAdmissions, arrivals.length)} wrongly admitted, ${pct(wrongRefusals, arrivals.length)} wrongly refused; ` +
        `worst trailing-window count ${worst} (limit ${LIMIT})`,
    );
    expect(worstTrailingCount(exact.admitted)).toBeLessThanOrEqual(LIMIT);
    // Random traffic stays within a tenth of the limit of the exact count (the documented typical bound).
    expect(worst).toBeLessThanOrEqual(LIMIT * 1.1);
    expect(approx.admitted.length).toBeLessThanOrEqual(exact.admitted.length * 1.1);
  });

  it('worst case: a full quota at the very end of one window, then the next quota late in the following one', async () => {
    const burstAtEnd = Array.from({ length: LIMIT }, () => WINDOW_MS - 1);
    const trickle = Array.from({ length: 4 * LIMIT }, (_, i) => WINDOW_MS + (i * (WINDOW_MS - 2)) / (4 * LIMIT));
    const { admitted } = await run('sliding-window', [...burstAtEnd, ...trickle]);
    const worst = worstTrailingCount(admitted);
    console.log(`adversarial edge pattern: worst trailing-window count ${worst} (limit ${LIMIT})`);
    // Never more than the fixed window's worst case, 2 × limit.
    expect(worst).toBeGreaterThan(LIMIT);
    expect(worst).toBeLessThan(2 * LIMIT);
  });
});
