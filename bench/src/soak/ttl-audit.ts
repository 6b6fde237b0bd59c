import type { Redis } from 'ioredis';

export interface TtlAudit {
  keys: number;
  /** Write-behind queue keys (the stream and its pending-value overlay): bounded by length, not by a TTL. */
  queueKeys: number;
  /** Keys with no expiry that are not queue keys, and queue keys longer than the queue's bound. */
  withoutTtl: string[];
}

/** The stream and the overlay of a write-behind queue (`<ns>:wb:{<hash>}:<queue>:*`). */
const QUEUE_KEY = /:wb:\{[0-9a-f]{8}\}:/;

/** SCANs every key of the server (a private one): each has an expiry, or is a queue key within its bound. */
export async function auditTtls(admin: Redis, maxQueueLength: number): Promise<TtlAudit> {
  const audit: TtlAudit = { keys: 0, queueKeys: 0, withoutTtl: [] };
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = admin.pipeline();
    for (const key of keys) pipeline.pttl(key).type(key);
    const replies = (await pipeline.exec()) ?? [];
    for (const [index, key] of keys.entries()) {
      const ttl = replies[index * 2]?.[1] as number;
      const type = replies[index * 2 + 1]?.[1] as string;
      if (ttl === -2) continue; // expired between SCAN and PTTL
      audit.keys++;
      if (QUEUE_KEY.test(key) && (type === 'stream' || type === 'hash')) {
        audit.queueKeys++;
        const length = type === 'stream' ? await admin.xlen(key) : await admin.hlen(key);
        if (length > maxQueueLength) audit.withoutTtl.push(`${key} (${length} entries)`);
      } else if (ttl === -1) audit.withoutTtl.push(key);
    }
  } while (cursor !== '0');
  return audit;
}
