import { compareVersions } from './redis-info.js';
import type { InspectRedisOptions, RedisInspection, RedisNodeFacts, RedisWarning } from './redis-inspection.types.js';

const MIN_VERSION = '6.2.0';

/** Turns what the nodes reported into warnings; pure, so each rule is easy to read and test. */
export function checkRedis(
  inspection: Omit<RedisInspection, 'warnings'>,
  options: InspectRedisOptions = {},
): RedisWarning[] {
  const warnings: RedisWarning[] = [];
  for (const node of inspection.nodes) warnings.push(...checkNode(node, options));
  if (inspection.mode === 'cluster' && inspection.replicasPerMaster) {
    const bare = Object.entries(inspection.replicasPerMaster).filter(([, replicas]) => replicas === 0);
    if (bare.length > 0) {
      warnings.push({
        code: 'cluster-without-replicas',
        severity: 'warning',
        message:
          `Cluster masters without a replica: ${bare.map(([address]) => address).join(', ')}. ` +
          'When one fails, its slots stay down until it returns: cached calls go to their source ' +
          '(fail-open) and write-behind queues on those slots stop' +
          (options.writeBehind ? ' (their pending writes are lost if the node loses its data)' : '') +
          '. Add a replica per master.',
      });
    }
  }
  const covering = inspection.nodes.filter((node) => node.clusterRequireFullCoverage === true);
  if (inspection.mode === 'cluster' && covering.length > 0) {
    warnings.push({
      code: 'cluster-full-coverage',
      severity: 'info',
      message:
        `cluster-require-full-coverage is yes on ${covering.map((node) => node.address).join(', ')}: while any ` +
        'master is down (until its replica is promoted, or for good without one) every master refuses every key, ' +
        'so the whole cache fails open, not only the keys of the failed master. For a cluster that caches, ' +
        'set cluster-require-full-coverage no.',
    });
  }
  const offsets = inspection.nodes.map((node) => node.clockOffsetMs);
  const spread = offsets.length > 1 ? Math.max(...offsets) - Math.min(...offsets) : 0;
  if (spread > (options.maxClockSkewMs ?? 1_000)) {
    warnings.push({
      code: 'clock-skew',
      severity: 'warning',
      message:
        `Redis node clocks differ by ${Math.round(spread)} ms. Cachet reads each key's times from the node ` +
        'that holds it (Redis TIME), so expiry, leases and rate-limit windows on different nodes disagree by ' +
        'as much. Run NTP (chrony) on every node.',
    });
  }
  return warnings;
}

function checkNode(node: RedisNodeFacts, options: InspectRedisOptions): RedisWarning[] {
  const warnings: RedisWarning[] = [];
  const at = node.address;
  if (node.maxmemoryPolicy.startsWith('allkeys-')) {
    warnings.push({
      code: 'eviction-policy',
      severity: 'warning',
      node: at,
      message:
        `maxmemory-policy is ${node.maxmemoryPolicy} on ${at}: under memory pressure Redis may evict keys ` +
        'that have no TTL — ' +
        (options.writeBehind ? 'write-behind queues (pending writes lost) and ' : '') +
        'tag versions (entries cached before an invalidation come back). Every cache entry Cachet writes has ' +
        'a TTL, so use volatile-lru or volatile-lfu.',
    });
  }
  if (node.maxmemoryPolicy === 'noeviction' && node.maxmemory > 0 && node.usedMemory > node.maxmemory * 0.9) {
    warnings.push({
      code: 'noeviction-full',
      severity: 'warning',
      node: at,
      message:
        `${at} uses ${percent(node.usedMemory / node.maxmemory)} of maxmemory with noeviction: once full, every ` +
        'write fails (OOM) — cache writes are skipped and write-behind calls fail. Raise maxmemory or use volatile-lru.',
    });
  }
  if (options.writeBehind && !node.aofEnabled) {
    const rdb =
      node.rdbEnabled === undefined ? 'RDB state unknown' : node.rdbEnabled ? 'RDB snapshots only' : 'no RDB either';
    warnings.push({
      code: 'no-persistence',
      severity: 'warning',
      node: at,
      message:
        `Write-behind queues are used but ${at} has no AOF (${rdb}): a Redis crash or restart loses the writes ` +
        'accepted since the last snapshot, before they reached the database. Enable appendonly yes ' +
        '(appendfsync everysec loses at most about a second).',
    });
  }
  if (compareVersions(node.version, MIN_VERSION) < 0) {
    warnings.push({
      code: 'old-version',
      severity: 'warning',
      node: at,
      message: `${at} runs Redis ${node.version}; Cachet needs 6.2 or newer (write-behind recovery uses XAUTOCLAIM, new in 6.2). Upgrade.`,
    });
  }
  if (node.rdbEnabled === undefined) {
    warnings.push({
      code: 'config-unreadable',
      severity: 'info',
      node: at,
      message: `CONFIG GET is not allowed on ${at} (usual on managed Redis): check persistence in your provider's console.`,
    });
  }
  return warnings;
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}
