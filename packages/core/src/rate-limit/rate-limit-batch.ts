import type { RateLimitConsumeRequest, RateLimitOutcome, RateLimitStore } from '../store/rate-limit.store.js';

/** What checking several policies of one request gave; an outcome is absent for a policy left unchecked. */
export interface RateLimitBatchVerdict {
  allowed: boolean;
  outcomes: Array<RateLimitOutcome | undefined>;
}

/**
 * Checks and consumes every request of one call: admitted by all, or
 * consuming none. Requests whose keys share a slot (all of them on one
 * server) are one atomic script, one round trip. Across slots (Cluster,
 * subjects in different slots) the slots are checked one after the other,
 * most restrictive first, each atomically; when one refuses, the slots that
 * admitted are refunded, and a refund can never give back more than was
 * taken (see rate-limit-refund.script.ts). Until the refund lands other
 * requests may be refused by units that are about to return: the error is
 * on the side of refusing, never of admitting.
 */
export async function consumeBatch(
  store: RateLimitStore,
  requests: readonly RateLimitConsumeRequest[],
): Promise<RateLimitBatchVerdict> {
  const groups = partition(store, requests);
  if (groups.length === 1) return store.consumeAll(requests);
  const refund = store.refund?.bind(store);
  if (!refund) throw new Error('A rate-limit store that splits a batch must be able to refund');

  const outcomes: Array<RateLimitOutcome | undefined> = new Array<RateLimitOutcome | undefined>(requests.length);
  const taken: Array<{ group: number[]; receipts: ReadonlyArray<string | number> }> = [];
  const giveBack = async () => {
    const refunds = await Promise.allSettled(
      taken.map(({ group, receipts }) =>
        refund(
          group.map((i) => requests[i]!),
          receipts,
        ),
      ),
    );
    // A refund that failed leaves its units taken until they expire: fewer admissions, never more.
    refunds.forEach((refunded, t) => {
      if (refunded.status !== 'fulfilled') return;
      for (const i of taken[t]!.group) {
        const outcome = outcomes[i]!;
        outcomes[i] = { ...outcome, remaining: outcome.remaining + requests[i]!.cost };
      }
    });
  };
  try {
    for (const group of groups) {
      const batch = await store.consumeAll(group.map((i) => requests[i]!));
      group.forEach((index, j) => (outcomes[index] = batch.outcomes[j]));
      if (!batch.allowed) {
        await giveBack();
        return { allowed: false, outcomes };
      }
      taken.push({ group, receipts: batch.receipts ?? [] });
    }
  } catch (error) {
    await giveBack();
    throw error;
  }
  return { allowed: true, outcomes };
}

/** Indices of the requests, by slot and at most `maxBatch` each, the likeliest to refuse first. */
function partition(store: RateLimitStore, requests: readonly RateLimitConsumeRequest[]): number[][] {
  const bySlot = new Map<number, number[]>();
  requests.forEach((request, i) => {
    const slot = store.slotOf?.(request.keys) ?? 0;
    let group = bySlot.get(slot);
    if (!group) bySlot.set(slot, (group = []));
    group.push(i);
  });
  const max = store.maxBatch ?? Infinity;
  const groups: number[][] = [];
  for (const group of bySlot.values()) {
    for (let start = 0; start < group.length; start += max) groups.push(group.slice(start, start + max));
  }
  // Fewest requests' worth of quota first: the group that refuses should be the one that has not taken anything.
  const headroom = (group: number[]) => Math.min(...group.map((i) => requests[i]!.limit / requests[i]!.cost));
  return groups.sort((a, b) => headroom(a) - headroom(b));
}
