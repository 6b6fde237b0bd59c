import { randomUUID } from 'node:crypto';
import { BreakerOpenError } from '../resilience/circuit-breaker.js';
import { NodeBreakers } from '../resilience/node-breakers.js';
import { CachetError, ErrorCodes } from '../shared/errors.js';
import { SingleFlight } from '../stampede/single-flight.js';
import { WakeRegistry } from '../stampede/wake-registry.js';
import { KeySpace } from '../store/key-space.js';
import type { Store } from '../store/store.js';
import { CacheEvents } from '../telemetry/cache-events.js';
import { CacheCounters } from '../telemetry/cache-stats.js';
import { CacheTelemetry } from '../telemetry/open-telemetry/cache-telemetry.js';
import { InvalidationBus, type BusMessage } from '../tiers/invalidation-bus.js';
import { L1Tier, type L1Entry } from '../tiers/l1-tier.js';
import type { ResolvedCacheOptions } from './cache-options.js';
import { EntryFlags } from './entry-codec.js';
import type { ReadOutcome } from './read-outcome.js';
import { ValueCodec } from './value-codec.js';

/** Raised by `guard` when Redis is skipped (breaker open, not connected) and the caller has no fallback. */
export class StoreUnavailableError extends CachetError {
  readonly code = ErrorCodes.storeUnavailable;

  constructor(cause?: unknown) {
    super('Redis is unavailable', { cause });
  }
}

/**
 * What every namespace view of one cache shares: the store and its breakers (one per Cluster node),
 * codec, counters, in-process single-flight and lease waiters. Owned by the
 * `createCache` call that made it — never global.
 */
export class CacheEngine {
  readonly breakers: NodeBreakers;
  readonly codec: ValueCodec;
  readonly counters: CacheCounters;
  readonly singleFlight = new SingleFlight();
  /** Keys whose loader failed recently: serve stale without retrying until this time (stale-if-error). */
  readonly errorBackoffUntil = new Map<string, number>();
  private readonly wakeRegistries = new Map<string, WakeRegistry>();
  private readonly keySpaces = new Map<string, KeySpace>();
  private readonly generationKeys = new WeakMap<KeySpace, readonly string[]>();
  private readonly warned = new Set<string>();
  /** Lease tokens: unique per engine (random prefix), cheap per call (a counter). */
  private readonly tokenPrefix = randomUUID();
  private tokenCount = 0;
  readonly l1: L1Tier | undefined;
  readonly invalidationBus: InvalidationBus | undefined;
  /** OpenTelemetry spans and metrics; `undefined` while off, so the hot path checks one property. */
  readonly telemetry: CacheTelemetry | undefined;

  constructor(
    readonly store: Store,
    readonly options: ResolvedCacheOptions,
    readonly ownsStore: boolean,
  ) {
    this.counters = new CacheCounters(
      new CacheEvents((error) =>
        options.logger.warn(`a cache event listener threw: ${(error as Error)?.message ?? error}`),
      ),
    );
    this.breakers = new NodeBreakers(
      {
        threshold: options.breakerThreshold,
        resetMs: options.breakerResetMs,
        logger: options.logger,
        name: `cache "${options.namespace}"`,
        onStateChange: (previous, state, node) =>
          this.counters.breakerChanged(options.namespace, previous, state, node),
      },
      store.router,
    );
    this.telemetry = CacheTelemetry.create(options.telemetry, this.counters, () => this.breakers.state);
    if (options.l1) {
      this.l1 = new L1Tier(options.l1);
      this.invalidationBus = new InvalidationBus(store.bus, this.l1, options.logger);
    }
    this.codec = new ValueCodec({
      serializer: options.serializer,
      serializerFlag: options.serializerFlag,
      compressionThreshold: options.compressionThreshold,
      maxValueSize: options.maxValueSize,
    });
  }

  leaseToken(): string {
    return `${this.tokenPrefix}:${++this.tokenCount}`;
  }

  keySpace(namespace: string): KeySpace {
    let keySpace = this.keySpaces.get(namespace);
    if (!keySpace) this.keySpaces.set(namespace, (keySpace = new KeySpace(namespace)));
    return keySpace;
  }

  /** The keys a read validates an entry against: the namespace generation, then each named tag's. */
  tagKeys(keySpace: KeySpace, tags: readonly string[]): readonly string[] {
    if (tags.length > 0) return [keySpace.generation, ...tags.map((tag) => keySpace.tag(tag))];
    // Most reads name no tag: one array per namespace serves them all (stores never change it).
    let generationOnly = this.generationKeys.get(keySpace);
    if (!generationOnly) this.generationKeys.set(keySpace, (generationOnly = Object.freeze([keySpace.generation])));
    return generationOnly;
  }

  wakeRegistry(keySpace: KeySpace): WakeRegistry {
    let registry = this.wakeRegistries.get(keySpace.namespace);
    if (!registry) {
      registry = new WakeRegistry(this.store.bus, keySpace.wakeChannel);
      this.wakeRegistries.set(keySpace.namespace, registry);
    }
    return registry;
  }

  /** The in-process copy of a key, when L1 is on for this call and holds a live one. */
  l1Get(namespace: string, key: string, wanted: boolean | undefined): L1Entry | undefined {
    if (!this.l1 || wanted === false) return undefined;
    const entry = this.l1.get(namespace, key);
    if (entry) this.counters.increment(namespace, 'l1Hits');
    return entry;
  }

  /**
   * True when a fresh L2 read of this call may be copied into L1. Such a read needs the server's clock (the
   * read script), not a plain MGET: the copy must not outlive the entry's fresh life in Redis, which only
   * the server's clock can tell.
   */
  fillsL1(wanted: boolean | undefined): boolean {
    return this.l1 !== undefined && wanted !== false;
  }

  /** Keeps a copy of a fresh L2 read in L1, once this instance listens to the namespace's invalidation bus. */
  l1Fill(namespace: string, outcome: ReadOutcome, wanted: boolean | undefined, generation: number): void {
    if (!this.l1 || !this.invalidationBus || wanted === false || outcome.state !== 'fresh' || !outcome.entry) return;
    if (outcome.entry.flags & EntryFlags.sliding) return; // each hit must reach Redis to slide the TTL there
    // A read without the server's clock (a plain MGET: now is NaN) cannot bound the copy: never guess one.
    const remainingMs = outcome.entry.logicalExpireAt - outcome.read.now;
    if (!(remainingMs > 0)) return;
    if (!this.invalidationBus.isListening(namespace)) {
      void this.invalidationBus.listen(namespace).catch(() => undefined);
      return; // fill from the next read on, when invalidations can reach us
    }
    const key = this.keySpace(namespace).userKey(outcome.keys.entry);
    const tags = outcome.entry.tags.map(([tag]) => tag);
    this.l1.put(namespace, key, outcome.value, remainingMs, tags, generation);
  }

  /** Capture before reading Redis; hand to `l1Fill` (see L1Tier.generation). */
  l1Generation(namespace: string): number {
    if (!this.l1 || !this.invalidationBus) return 0;
    // A read that starts before this instance listens could miss the invalidation of what it reads:
    // it gets a generation no fill will accept, and starts the subscription for the reads after it.
    if (!this.invalidationBus.isListening(namespace)) {
      void this.invalidationBus.listen(namespace).catch(() => undefined);
      return -1;
    }
    return this.l1.generation;
  }

  /** After a Redis write succeeded: update this instance's L1 and tell the others. */
  changed(namespace: string, message: BusMessage): void {
    if (!this.l1 || !this.invalidationBus) return;
    if (message.op === 'clear') this.l1.dropNamespace(namespace);
    else if (message.op === 'tags') this.l1.dropTags(namespace, message.tags);
    else this.l1.drop(namespace, message.keys);
    this.invalidationBus.publish(namespace, message);
  }

  /**
   * False while the breaker is open (on Cluster: the breaker of the node serving `routeKey`, a Redis key):
   * callers then skip Redis without even trying.
   */
  available(routeKey?: string): boolean {
    return this.breakers.allows(routeKey);
  }

  /**
   * Runs a store operation under the breaker. Failures are counted and
   * rethrown; while Redis is skipped it throws StoreUnavailableError at once.
   * A client that is not connected gets at most one command timeout to
   * become ready (first connection, reconnect), never longer.
   */
  async guard<T>(namespace: string, operation: () => Promise<T>, routeKey?: string): Promise<T> {
    try {
      // A connected store (every hit, nearly always) runs the operation as it is, with no wrapper around it.
      return await this.breakers.run(routeKey, this.store.isReady() ? operation : () => this.whenReady(operation));
    } catch (error) {
      this.counters.increment(namespace, 'errors', 1, { error });
      if (error instanceof BreakerOpenError) throw new StoreUnavailableError(error);
      throw error;
    }
  }

  private async whenReady<T>(operation: () => Promise<T>): Promise<T> {
    if (!this.store.isReady()) await this.store.ready(this.options.commandTimeoutMs);
    return operation();
  }

  /** Logs a warning once per distinct `topic` (bounded), so a hot path never floods the log. */
  warnOnce(topic: string, message: string): void {
    if (this.warned.has(topic)) return;
    if (this.warned.size > 1000) this.warned.clear();
    this.warned.add(topic);
    this.options.logger.warn(message);
  }

  async close(): Promise<void> {
    this.telemetry?.close();
    this.invalidationBus?.close();
    this.l1?.clear();
    if (this.ownsStore) await this.store.close();
  }
}

/** True for errors that mean "Redis is not answering" rather than a bug. */
export function isStoreFailure(error: unknown): boolean {
  return !(error instanceof TypeError) && !(error instanceof RangeError);
}
