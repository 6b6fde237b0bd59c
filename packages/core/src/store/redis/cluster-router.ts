import type { Cluster } from 'ioredis';
import type { BreakerRouter } from '../../resilience/node-breakers.js';
import { clusterSlot } from './cluster-slot.js';

/** Names the master serving a key from the cluster client's slot table; nothing is sent. */
export class ClusterRouter implements BreakerRouter {
  private serving: string[] | undefined;
  private servingAtLastRefresh: string | undefined;
  private refreshedAt = 0;
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly cluster: Cluster) {
    cluster.on('refresh', () => {
      this.serving = undefined;
      const now = this.servingNodes().join(',');
      const before = this.servingAtLastRefresh;
      this.servingAtLastRefresh = now;
      if (before !== undefined && before !== now) for (const listener of this.listeners) listener();
    });
  }

  onRoutesChanged(listener: () => void): void {
    this.listeners.push(listener);
  }

  nodeFor(key: string): string {
    return this.cluster.slots[clusterSlot(key)]?.[0] ?? 'unrouted';
  }

  servingNodes(): string[] {
    if (this.serving === undefined) {
      const owners = new Set<string>();
      for (const nodes of this.cluster.slots) if (nodes?.[0]) owners.add(nodes[0]);
      if (owners.size === 0) return []; // not connected yet: nothing worth caching
      this.serving = [...owners].sort();
    }
    return this.serving;
  }

  routesMayBeStale(): void {
    const now = performance.now();
    if (now - this.refreshedAt < SLOTS_REFRESH_MIN_INTERVAL_MS || this.cluster.status !== 'ready') return;
    this.refreshedAt = now;
    this.cluster.refreshSlotsCache(); // one CLUSTER SLOTS; ioredis runs one refresh at a time
  }
}

/**
 * While a node's calls are skipped, the slot table is re-read at most this often: a failover is then
 * seen within this long of the cluster announcing it, at a cost of a few CLUSTER SLOTS per second.
 */
const SLOTS_REFRESH_MIN_INTERVAL_MS = 200;
