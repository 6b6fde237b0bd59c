import type { Redis } from 'ioredis';

/**
 * What in a Redis server's configuration can lose write-behind entries that
 * were already acknowledged to the caller. Checked on every master; a server
 * that refuses CONFIG (managed services often do) gets a warning saying so.
 */
export async function redisDurabilityWarnings(masters: Redis[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const node of masters) {
    const where = `${node.options.host ?? 'redis'}:${node.options.port ?? 6379}`;
    try {
      const [, policy] = (await node.config('GET', 'maxmemory-policy')) as [string, string];
      if (policy?.startsWith('allkeys-')) {
        warnings.push(
          `maxmemory-policy is ${policy} on ${where}: under memory pressure Redis may evict a write-behind queue ` +
            `and lose writes already acknowledged to callers. Use noeviction, or a volatile-* policy ` +
            `(queue keys carry no TTL, so volatile policies never evict them).`,
        );
      }
      const info = await node.info('persistence');
      const aof = /aof_enabled:1/.test(info);
      const [, save] = (await node.config('GET', 'save')) as [string, string];
      if (!aof && !save) {
        warnings.push(
          `persistence is off on ${where} (no AOF, no RDB snapshots): a Redis restart loses every queued ` +
            `write-behind entry. Set appendonly yes (appendfsync everysec loses at most about one second).`,
        );
      } else if (!aof) {
        warnings.push(
          `only RDB snapshots on ${where} (save "${save}"): a Redis crash loses the write-behind entries queued ` +
            `since the last snapshot. Set appendonly yes to bound the loss to about one second.`,
        );
      }
    } catch (error) {
      warnings.push(
        `could not read the eviction and persistence settings of ${where} (${(error as Error).message}); ` +
          `make sure maxmemory-policy is not allkeys-* and appendonly is on, or queued writes can be lost.`,
      );
    }
  }
  return warnings;
}
