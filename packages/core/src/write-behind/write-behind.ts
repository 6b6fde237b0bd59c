import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Serializer } from '../cache/serializer.js';
import { WriteBehindError } from '../shared/errors.js';
import { KeySpace } from '../store/key-space.js';
import type { QueueStore } from '../store/queue.store.js';
import type { CacheLogger } from '../telemetry/logger.js';
import { WriteBehindTelemetry } from '../telemetry/open-telemetry/write-behind-telemetry.js';
import type { ResolvedTelemetryOptions } from '../telemetry/open-telemetry/telemetry-options.js';
import { appendEntry } from './append-entry.js';
import { listDeadLetters, replayDeadLetters } from './dead-letters.js';
import { QueueFlusher } from './queue-flusher.js';
import type { QueueState } from './queue-state.js';
import { resolveQueueOptions } from './write-behind-options.js';
import type {
  DeadLetterReplay,
  DeadLetterView,
  PendingRead,
  WriteBehindAppend,
  WriteBehindHandler,
  WriteBehindQueueOptions,
  WriteBehindQueueStats,
} from './write-behind.types.js';

export interface WriteBehindSettings {
  namespace: string;
  serializer: Serializer;
  logger: CacheLogger;
  /** Applied to every queue under its own options. */
  defaults: WriteBehindQueueOptions;
  /** Longest `close()` spends draining. */
  drainTimeoutMs: number;
  /** OpenTelemetry spans and metrics (`resolveTelemetryOptions`); `undefined` while off. */
  telemetry?: ResolvedTelemetryOptions;
}

/**
 * Durable write-behind on one store. `append` records a call and resolves once
 * it is durable in Redis; every instance runs a flusher per queue that has a
 * handler, one of them active at a time, persisting entries through the
 * handler and acknowledging them only afterwards.
 *
 * ```ts
 * const writeBehind = createWriteBehind({ redis: 'redis://localhost:6379', namespace: 'app' });
 * writeBehind.registerHandler('users', { handleBatch: (items) => db.upsertUsers(items) }, { coalesce: true });
 * await writeBehind.start();
 * await writeBehind.append('users', { key: 'user:1', args: [user], value: user });
 * ```
 */
export class WriteBehindEngine {
  private readonly keySpace: KeySpace;
  private readonly queues = new Map<string, QueueState>();
  private readonly consumer = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private started = false;
  private closing = false;
  private readonly telemetry: WriteBehindTelemetry | undefined;
  private readonly stopObserving: () => void;

  constructor(
    readonly store: QueueStore,
    private readonly settings: WriteBehindSettings,
    private readonly owned?: { close(): Promise<void> },
  ) {
    this.keySpace = new KeySpace(settings.namespace);
    this.telemetry = WriteBehindTelemetry.create(settings.telemetry, settings.namespace);
    this.stopObserving = this.telemetry?.observeQueues(this) ?? (() => undefined);
  }

  /** Sets a queue's options (before its first append or handler; later calls replace them). */
  configureQueue(queue: string, options: WriteBehindQueueOptions = {}): void {
    const state = this.state(queue);
    state.options = resolveQueueOptions(queue, options, this.settings.defaults);
  }

  /**
   * Gives a queue its persister: `{ handle(item) }` for one item at a time, or
   * `{ handleBatch(items) }`. Starts its flusher if the engine is started.
   */
  registerHandler(queue: string, handler: WriteBehindHandler, options?: WriteBehindQueueOptions): void {
    if (typeof handler !== 'object' || handler === null || !('handle' in handler || 'handleBatch' in handler)) {
      throw new WriteBehindError(queue, 'a handler is { handle(item) } or { handleBatch(items) }.');
    }
    if (options) this.configureQueue(queue, options);
    const state = this.state(queue);
    if (state.flusher) throw new WriteBehindError(queue, 'a handler is already registered for this queue.');
    state.flusher = new QueueFlusher({
      queue,
      keys: state.keys,
      store: this.store,
      options: state.options,
      handler,
      consumer: this.consumer,
      serializer: this.settings.serializer,
      logger: this.settings.logger,
      releaseChannel: this.keySpace.lockChannel,
      telemetry: this.telemetry,
    });
    if (this.started) state.flusher.start();
  }

  /** Starts every registered flusher and logs what in Redis's configuration could lose queued writes. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      for (const warning of await this.store.durabilityWarnings())
        this.settings.logger.warn(`Write-behind: ${warning}`);
    } catch (error) {
      this.settings.logger.warn(`Write-behind: could not check Redis durability (${(error as Error).message}).`);
    }
    for (const state of this.queues.values()) state.flusher?.start();
  }

  /**
   * Records a call. Resolves once the entry is in Redis (and the overlay holds
   * `value`); rejects with `WriteBehindError` when it could not be recorded —
   * never drops it silently. A full queue waits for room or fails, by `onFull`.
   */
  async append(queue: string, call: WriteBehindAppend): Promise<{ id: string }> {
    if (this.closing) throw new WriteBehindError(queue, 'shutting down: no new writes are accepted.');
    return appendEntry(this.store, this.settings.serializer, queue, this.state(queue), call);
  }

  /** The newest unpersisted write of `key` in `queue`, or undefined when everything is persisted. */
  async pendingValue<TValue = unknown>(queue: string, key: string): Promise<PendingRead<TValue> | undefined> {
    const pending = await this.store.pendingValue(this.state(queue).keys, key);
    if (!pending) return undefined;
    if (pending.op === 'delete') return { op: 'delete' };
    return { op: 'write', value: this.settings.serializer.deserialize(pending.value) as TValue };
  }

  /** Runs one flush pass of `queue` (or of every queue) now. */
  async flush(queue?: string): Promise<void> {
    for (const [name, state] of this.queues)
      if (queue === undefined || name === queue) await state.flusher?.flushOnce();
  }

  /** Flushes until the queues are empty (where this instance is their flusher) or `timeoutMs` passes. */
  async drain(timeoutMs = this.settings.drainTimeoutMs): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (const [name, state] of this.queues) {
      const left = (await state.flusher?.drain(deadline)) ?? 0;
      if (left > 0) {
        this.settings.logger.warn(
          `Write-behind queue "${name}": ${left} entries not persisted before the drain timeout; they stay in Redis for the next flusher.`,
        );
      }
    }
  }

  async stats(queue: string): Promise<WriteBehindQueueStats> {
    const state = this.state(queue);
    const depth = await this.store.depth(state.keys);
    const counters = state.flusher?.counters ?? { flushed: 0, retried: 0, deadLettered: 0, handlerCalls: 0 };
    return {
      queue,
      depth: depth.depth,
      oldestPendingAgeMs: depth.oldestAgeMs,
      deadLetters: depth.deadLetters,
      appended: state.appended,
      ...counters,
      flushing: state.flusher?.flushing ?? false,
    };
  }

  /** Queues this engine knows (configured, appended to, or with a handler). */
  queueNames(): string[] {
    return [...this.queues.keys()];
  }

  async deadLetters(queue: string, options: { count?: number; after?: string } = {}): Promise<DeadLetterView[]> {
    return listDeadLetters(this.store, this.state(queue).keys, this.settings.serializer, options);
  }

  async countDeadLetters(queue: string): Promise<number> {
    return (await this.store.depth(this.state(queue).keys)).deadLetters;
  }

  /**
   * Puts dead letters back on the queue (the given ones, or the oldest
   * `limit`) — those still the newest write of their key. A dead letter whose
   * key was written again after it stays dead-lettered and is reported in
   * `superseded`: replaying it would show and persist an older value after a
   * newer one. Purge those, or write the key again, as you see fit.
   */
  async replayDeadLetters(queue: string, options: { ids?: string[]; limit?: number } = {}): Promise<DeadLetterReplay> {
    return replayDeadLetters(this.store, this.state(queue).keys, queue, this.settings.logger, options);
  }

  purgeDeadLetters(queue: string, ids?: string[]): Promise<number> {
    return this.store.purgeDead(this.state(queue).keys, ids);
  }

  /**
   * Graceful shutdown: refuses new appends, drains (bounded by `timeout`),
   * hands the flusher leases back so a standby continues at once, and closes
   * the connection this engine opened.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.drain(options.timeoutMs ?? this.settings.drainTimeoutMs);
    for (const state of this.queues.values()) await state.flusher?.stop();
    this.stopObserving();
    await this.owned?.close();
  }

  private state(queue: string): QueueState {
    let state = this.queues.get(queue);
    if (!state) {
      if (typeof queue !== 'string' || queue.length === 0) {
        throw new WriteBehindError(String(queue), 'a queue name must be a non-empty string.');
      }
      state = {
        keys: this.keySpace.queue(queue),
        options: resolveQueueOptions(queue, {}, this.settings.defaults),
        appended: 0,
      };
      this.queues.set(queue, state);
    }
    return state;
  }
}
