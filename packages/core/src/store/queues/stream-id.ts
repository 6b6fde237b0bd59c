/** Orders Redis stream IDs (`<ms>-<seq>`) numerically; string order is wrong once the lengths differ. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = split(a);
  const [bMs, bSeq] = split(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}

/** The server time (ms) at which the entry was appended. */
export function streamIdTime(id: string): number {
  return Number(split(id)[0]);
}

/**
 * A stream ID as one increasing integer (ms × 10⁶ + sequence), for versioned
 * upserts: a larger version is a later append to the same queue.
 */
export function streamIdVersion(id: string): bigint {
  const [ms, seq] = split(id);
  return ms * 1_000_000n + seq;
}

function split(id: string): [bigint, bigint] {
  const dash = id.indexOf('-');
  return dash < 0 ? [BigInt(id), 0n] : [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}
