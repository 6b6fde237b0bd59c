import { sleep } from './sleep.js';

/**
 * Polls `check` until it holds, for conditions a test cannot be told about (a failover, a replica in sync).
 * Rejects with `what` once `timeoutMs` has passed, so a test that waits for something that never happens
 * fails saying what it waited for rather than at the runner's timeout.
 */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 20, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
