import { BreakerOpenError, CircuitBreaker } from '../resilience/circuit-breaker.js';
import { SingleFlight } from '../stampede/single-flight.js';
import { WakeRegistry } from '../stampede/wake-registry.js';
import { KeySpace } from '../store/key-space.js';
import type { Store } from '../store/store.js';
import { CacheCounters } from '../telemetry/cache-stats.js';
import type { ResolvedCacheOptions } from './cache-options.js';
import { ValueCodec } from './value-codec.js';

/** Raised by `guard` when Redis is skipped (breaker open, not connected) and the caller has no fallback. */
export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('Redis is unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

/**
 * What every namespace view of one cache shares: the store and its breaker,
 * codec, counters, in-process single-flight and lease waiters. Owned by the
 * `createCache` call that made it — never global.
 */
export class CacheEngine {
  readonly breaker: CircuitBreaker;
  readonly codec: ValueCodec;
  readonly counters = new CacheCounters();
  readonly singleFlight = new SingleFlight();
  /** Keys whose loader failed recently: serve stale without retrying until this time (stale-if-error). */
  readonly errorBackoffUntil = new Map<string, number>();
  private readonly wakeRegistries = new Map<string, WakeRegistry>();
  private readonly keySpaces = new Map<string, KeySpace>();
  private readonly warned = new Set<string>();

  constructor(
    readonly store: Store,
    readonly options: ResolvedCacheOptions,
    readonly ownsStore: boolean,
  ) {
    this.breaker = new CircuitBreaker({
      threshold: options.breakerThreshold,
      resetMs: options.breakerResetMs,
      logger: options.logger,
      name: `cache "${options.namespace}"`,
    });
    this.codec = new ValueCodec({
      serializer: options.serializer,
      serializerFlag: options.serializerFlag,
      compressionThreshold: options.compressionThreshold,
    });
  }

  keySpace(namespace: string): KeySpace {
    let keySpace = this.keySpaces.get(namespace);
    if (!keySpace) this.keySpaces.set(namespace, (keySpace = new KeySpace(namespace)));
    return keySpace;
  }

  wakeRegistry(keySpace: KeySpace): WakeRegistry {
    let registry = this.wakeRegistries.get(keySpace.namespace);
    if (!registry) {
      registry = new WakeRegistry(this.store.bus, keySpace.wakeChannel);
      this.wakeRegistries.set(keySpace.namespace, registry);
    }
    return registry;
  }

  /** False while the breaker is open: callers then skip Redis without even trying. */
  available(): boolean {
    return this.breaker.state !== 'open';
  }

  /**
   * Runs a store operation under the breaker. Failures are counted and
   * rethrown; while Redis is skipped it throws StoreUnavailableError at once.
   * A client that is not connected gets at most one command timeout to
   * become ready (first connection, reconnect), never longer.
   */
  async guard<T>(namespace: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker.run(async () => {
        if (!this.store.isReady()) await this.store.ready(this.options.commandTimeoutMs);
        return operation();
      });
    } catch (error) {
      this.counters.increment(namespace, 'errors');
      if (error instanceof BreakerOpenError) throw new StoreUnavailableError(error);
      throw error;
    }
  }

  /** Logs a warning once per distinct `topic` (bounded), so a hot path never floods the log. */
  warnOnce(topic: string, message: string): void {
    if (this.warned.has(topic)) return;
    if (this.warned.size > 1000) this.warned.clear();
    this.warned.add(topic);
    this.options.logger.warn(message);
  }

  async close(): Promise<void> {
    if (this.ownsStore) await this.store.close();
  }
}

/** True for errors that mean "Redis is not answering" rather than a bug. */
export function isStoreFailure(error: unknown): boolean {
  return !(error instanceof TypeError) && !(error instanceof RangeError);
}
