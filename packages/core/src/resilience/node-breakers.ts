import type { CacheLogger } from '../telemetry/logger.js';
import { BreakerOpenError, CircuitBreaker, type BreakerState } from './circuit-breaker.js';

/** How a store names the server behind a key; only Redis Cluster has more than one. */
export interface BreakerRouter {
  /** The node serving `key` now (`host:port` of its master), from the client's slot table. */
  nodeFor(key: string): string;
  /** Every node serving slots now. */
  servingNodes(): string[];
  /**
   * Calls for a node are being skipped: its slots may have moved (a failover) without the client having
   * noticed, since skipped calls no longer bring the MOVED replies that would tell it. Cheap to call often.
   */
  routesMayBeStale(): void;
  /** Calls `listener` whenever the set of serving nodes changes (a failover was seen). */
  onRoutesChanged(listener: () => void): void;
}

export interface NodeBreakersOptions {
  threshold: number;
  resetMs: number;
  logger: CacheLogger;
  /** Names the owner in log lines, e.g. `cache "app"`. */
  name: string;
  /** Told of every state change of any node's breaker (`node` is undefined on a single server). */
  onStateChange?: (previous: BreakerState, state: BreakerState, node: string | undefined) => void;
}

/** The breaker of calls that name no key (a scan of every master), and of a single server. */
const WHOLE_STORE = '*';
/**
 * After a failover is seen, masters can still answer CLUSTERDOWN for a moment (each learns the news on its
 * own), opening healthy breakers after the one re-probe. For this long, open breakers are probed again at
 * most every `SETTLE_PROBE_MS` instead of after `resetAfter`.
 */
const SETTLE_MS = 3_000;
const SETTLE_PROBE_MS = 200;

/**
 * One circuit breaker per Redis node, so a dead or unreachable Cluster master
 * degrades only the keys it serves: calls are routed by their key to the
 * breaker of the node that serves it now, and when a failover moves the slots
 * to a replica, the calls follow them to that node's (closed) breaker. With a
 * single server (standalone, Sentinel) there is exactly one breaker, as before.
 */
export class NodeBreakers {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private settleUntil = 0;
  private readonly settleProbes = new WeakMap<CircuitBreaker, number>();

  constructor(
    private readonly options: NodeBreakersOptions,
    private readonly router?: BreakerRouter,
  ) {
    // A failover ends a cluster-wide outage (CLUSTERDOWN on every master while a slot had no master), which
    // may have opened healthy masters' breakers too: probe them now rather than after resetAfter.
    router?.onRoutesChanged(() => {
      this.settleUntil = performance.now() + SETTLE_MS;
      for (const breaker of this.breakers.values()) breaker.probeNow();
    });
  }

  /** The breaker that guards calls for `routeKey` (a Redis key); the whole-store one without a key. */
  for(routeKey?: string): CircuitBreaker {
    const node = this.router && routeKey !== undefined ? this.router.nodeFor(routeKey) : WHOLE_STORE;
    let breaker = this.breakers.get(node);
    if (!breaker) {
      const clustered = node !== WHOLE_STORE;
      breaker = new CircuitBreaker({
        threshold: this.options.threshold,
        resetMs: this.options.resetMs,
        logger: this.options.logger,
        name: clustered ? `${this.options.name} (Redis node ${node})` : this.options.name,
        onStateChange: (previous, state) => this.options.onStateChange?.(previous, state, clustered ? node : undefined),
      });
      this.breakers.set(node, breaker);
    }
    return breaker;
  }

  /** False while the breaker for `routeKey` is open: callers then skip Redis without even trying. */
  allows(routeKey?: string): boolean {
    if (this.settled(this.for(routeKey)).state !== 'open') return true;
    this.router?.routesMayBeStale();
    return false;
  }

  /** Runs `operation` under the breaker for `routeKey`; BreakerOpenError at once while it is open. */
  run<T>(routeKey: string | undefined, operation: () => Promise<T>): Promise<T> {
    // A single server: one breaker and no routes to refresh, so no frame of its own around every call.
    if (!this.router) return this.settled(this.for(routeKey)).run(operation);
    return this.runRouted(routeKey, operation);
  }

  private async runRouted<T>(routeKey: string | undefined, operation: () => Promise<T>): Promise<T> {
    try {
      return await this.settled(this.for(routeKey)).run(operation);
    } catch (error) {
      if (error instanceof BreakerOpenError) this.router?.routesMayBeStale();
      throw error;
    }
  }

  /** While a failover settles, lets an open breaker probe again soon (see SETTLE_MS). */
  private settled(breaker: CircuitBreaker): CircuitBreaker {
    if (this.settleUntil === 0 || breaker.state !== 'open') return breaker;
    const now = performance.now();
    if (now > this.settleUntil) {
      this.settleUntil = 0;
      return breaker;
    }
    const lastProbe = this.settleProbes.get(breaker);
    if (lastProbe === undefined) this.settleProbes.set(breaker, now);
    else if (now - lastProbe >= SETTLE_PROBE_MS) {
      this.settleProbes.set(breaker, now);
      breaker.probeNow();
    }
    return breaker;
  }

  /**
   * One state for the whole store: `closed` when Redis is used for every key, `open` when it is skipped
   * for every key, `half-open` in between (a probe is due, or some Cluster nodes' keys are skipped).
   */
  get state(): BreakerState {
    const whole = this.breakers.get(WHOLE_STORE)?.state ?? 'closed';
    if (!this.router) return whole;
    const byNode = this.nodeStates();
    const serving = this.router.servingNodes();
    if (serving.length > 0 && serving.every((node) => byNode[node] === 'open')) return 'open';
    return Object.keys(byNode).length > 0 || whole !== 'closed' ? 'half-open' : 'closed';
  }

  /** The nodes serving slots now whose breaker is not closed (empty on a single server). */
  nodeStates(): Record<string, Exclude<BreakerState, 'closed'>> {
    const states: Record<string, Exclude<BreakerState, 'closed'>> = {};
    if (!this.router) return states;
    const serving = new Set(this.router.servingNodes());
    for (const [node, breaker] of this.breakers) {
      if (node === WHOLE_STORE) continue;
      // A failed-over master serves nothing any more: its breaker would only ever report a stale "open".
      if (serving.size > 0 && !serving.has(node)) this.breakers.delete(node);
      else {
        const state = breaker.state;
        if (state !== 'closed') states[node] = state;
      }
    }
    return states;
  }
}
