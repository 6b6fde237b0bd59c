import type { BreakerState } from '../resilience/circuit-breaker.js';

/** Fields every cache event carries. */
export interface CacheEventBase {
  /** Namespace of the cache view that saw it. */
  namespace: string;
  /** How many occurrences this event stands for (a tag invalidation of 3 tags is one event, count 3). */
  count: number;
  /** Wall-clock time of the event (`Date.now()`), for plotting; never used for cache decisions. */
  at: number;
  /** The user key, when the call site knows it. */
  key?: string;
}

/** Every event type and what it carries beyond the base. */
export interface CacheEventMap {
  /** Answered from Redis (or from a waiter's re-read). */
  hit: CacheEventBase;
  /** Answered from the in-process L1 tier. */
  'l1-hit': CacheEventBase;
  /** No usable entry: the loader runs (here or on another instance holding the lease). */
  miss: CacheEventBase;
  /** A stale value served (stale-while-revalidate or stale-if-error). */
  stale: CacheEventBase;
  /** The loader resolved; `durationMs` when the call site timed it. */
  load: CacheEventBase & { durationMs?: number };
  /** The loader threw (its error propagates or stale-if-error serves). */
  'load-error': CacheEventBase & { durationMs?: number; error?: unknown };
  /** A Redis command failed or was skipped by the breaker. */
  error: CacheEventBase & { error?: unknown };
  /** A value was not cached (unserializable, oversize, `unless`). */
  'skipped-write': CacheEventBase & { reason?: string };
  /** Another instance held the lease: this caller waited for its value. */
  'lease-wait': CacheEventBase;
  /** A waiter was woken by the value landing (not by its timer). */
  'wake-up': CacheEventBase;
  /** A holder's lease expired without a value and a waiter took over the load. */
  takeover: CacheEventBase;
  /** XFetch decided to refresh before expiry. */
  'early-refresh': CacheEventBase;
  /** Tags invalidated (`count` of them). */
  'tag-invalidation': CacheEventBase & { tags?: readonly string[] };
  /** A circuit breaker changed state; on Cluster, `node` is the master (`host:port`) whose breaker it is. */
  breaker: CacheEventBase & { state: BreakerState; previous: BreakerState; node?: string };
}

export type CacheEventType = keyof CacheEventMap;
export type CacheEvent = { [K in CacheEventType]: CacheEventMap[K] & { type: K } }[CacheEventType];
export type CacheEventListener<K extends CacheEventType> = (event: CacheEventMap[K] & { type: K }) => void;

/** What a call site passes; `type`, `namespace`, `count` and `at` are filled in by `emit`. */
export type CacheEventInput<K extends CacheEventType> = Omit<CacheEventMap[K], keyof CacheEventBase> &
  Partial<Pick<CacheEventBase, 'key' | 'count'>>;

type AnyListener = (event: CacheEvent) => void;

/**
 * A small typed event stream of one cache. Listeners run synchronously on
 * the cache's path, so they must be cheap (increment a metric, push to a
 * buffer); one that throws is reported once to `onListenerError` and never
 * fails or slows the cache call that emitted. With no listener, emitting costs
 * one property check.
 *
 * ```ts
 * const stop = cache.events.on('load', (event) => histogram.observe(event.durationMs ?? 0));
 * cache.events.onAny((event) => log.debug(`${event.namespace} ${event.type}`));
 * stop();
 * ```
 */
export class CacheEvents {
  private readonly byType = new Map<CacheEventType, Set<AnyListener>>();
  private readonly any = new Set<AnyListener>();
  private reportedListenerError = false;

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  /** True when anyone listens (to `type`, or to anything): call sites can skip building details. */
  has(type?: CacheEventType): boolean {
    if (this.any.size > 0) return true;
    if (type === undefined) return this.byType.size > 0;
    return this.byType.has(type);
  }

  /** Subscribes to one event type; returns the unsubscribe function. */
  on<K extends CacheEventType>(type: K, listener: CacheEventListener<K>): () => void {
    let listeners = this.byType.get(type);
    if (!listeners) this.byType.set(type, (listeners = new Set()));
    const stored = listener as AnyListener;
    listeners.add(stored);
    return () => {
      listeners.delete(stored);
      if (listeners.size === 0 && this.byType.get(type) === listeners) this.byType.delete(type);
    };
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  onAny(listener: (event: CacheEvent) => void): () => void {
    this.any.add(listener);
    return () => this.any.delete(listener);
  }

  emit<K extends CacheEventType>(type: K, namespace: string, input?: CacheEventInput<K>): void {
    const listeners = this.byType.get(type);
    if (!listeners && this.any.size === 0) return;
    const event = { count: 1, ...input, type, namespace, at: Date.now() } as unknown as CacheEvent;
    if (listeners) for (const listener of listeners) this.deliver(listener, event);
    for (const listener of this.any) this.deliver(listener, event);
  }

  private deliver(listener: AnyListener, event: CacheEvent): void {
    try {
      listener(event);
    } catch (error) {
      if (this.reportedListenerError) return;
      this.reportedListenerError = true;
      this.onListenerError(error);
    }
  }
}
