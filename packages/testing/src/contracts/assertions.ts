import assert from 'node:assert/strict';

/** Fails unless `min <= value <= max`, naming what was measured. */
export function assertBetween(value: number, min: number, max: number, what: string): void {
  assert.ok(Number.isFinite(value) && value >= min && value <= max, `${what}: expected ${min} to ${max}, got ${value}`);
}

/** Orders two stream IDs (`<ms>-<seq>`) as numbers: their string order is wrong once the lengths differ. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bMs, bSeq] = b.split('-').map(BigInt) as [bigint, bigint];
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}

/** Collects the messages a bus handler hears. */
export function recorder(): { messages: string[]; handler: (message: string) => void } {
  const messages: string[] = [];
  return { messages, handler: (message) => messages.push(message) };
}

/**
 * Longest a published message may take to arrive: generous, since a starved test machine delays delivery;
 * a message that never comes still fails the case.
 */
export const DELIVERY_TIMEOUT_MS = 5_000;
