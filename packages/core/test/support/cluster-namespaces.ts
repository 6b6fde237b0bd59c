import { KeySpace } from '@cachet/core/store';
import { clusterSlot } from '../../src/store/redis/cluster-slot.js';

/**
 * A namespace whose generation key (`<ns>:n`, read by every cache read) is not served by the first master of a
 * cluster started by `startRedisCluster` (slots 0-5461). Every read of a namespace depends on the master of its
 * generation, so a test that kills master 0 to watch the other masters' keys must keep that key elsewhere.
 */
export function namespaceOffFirstMaster(prefix: string): string {
  for (let i = 0; ; i++) {
    const namespace = i === 0 ? prefix : `${prefix}-${i}`;
    if (clusterSlot(new KeySpace(namespace).generation) > 5_461) return namespace;
  }
}
