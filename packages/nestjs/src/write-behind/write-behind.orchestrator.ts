import type {
  DeadLetterReplay,
  DeadLetterView,
  PendingRead,
  WriteBehindEngine,
  WriteBehindHandler,
  WriteBehindQueueOptions,
  WriteBehindQueueStats,
} from '@cachet/core';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { CACHE_MODULE_OPTIONS } from '../cache.constants.js';
import type { ResolvedCacheModuleOptions } from '../module/cache-module.options.js';
import { CACHE_WRITE_BEHIND } from './write-behind.constants.js';

/**
 * The app's write-behind: the queues its `@WriteBehind` methods write, their
 * flushers' lifecycle, and the read-your-writes overlay the cache consults on
 * a miss. Flushers start on application bootstrap (after every module is
 * initialised, so persisters can use their database) and drain on shutdown,
 * bounded by `writeBehind.drainTimeout`: first while the app still runs (the
 * earliest shutdown hook, before databases usually close), then once more
 * with intake stopped before the module closes Redis.
 */
@Injectable()
export class WriteBehindOrchestrator implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly queues: string[] = [];
  /** Per `queue + key`: the tail of the calls in progress, so a key's writes reach Redis and the cache in call order. */
  private readonly keyTails = new Map<string, Promise<unknown>>();
  private drainDeadline: number | undefined;

  constructor(
    @Inject(CACHE_WRITE_BEHIND) readonly engine: WriteBehindEngine,
    @Inject(CACHE_MODULE_OPTIONS) private readonly options: ResolvedCacheModuleOptions,
  ) {}

  /** Queues with a persister in this app. */
  get queueNames(): readonly string[] {
    return this.queues;
  }

  /** Gives a queue its persister and options (at bootstrap, by the explorer). */
  register(queue: string, handler: WriteBehindHandler, options: WriteBehindQueueOptions): void {
    this.engine.registerHandler(queue, handler, options);
    this.queues.push(queue);
  }

  /**
   * Runs `record` after every earlier call for the same queue and key has
   * finished, so two quick writes of one key are appended and cached in the
   * order they were made (the later value ends up both last in the queue and
   * in the cache).
   */
  inKeyOrder<T>(queue: string, key: string, record: () => Promise<T>): Promise<T> {
    const slot = `${queue}\u0000${key}`;
    const previous = this.keyTails.get(slot);
    const current = previous ? previous.then(record, record) : record();
    const tail = current.then(
      () => undefined,
      () => undefined,
    );
    this.keyTails.set(slot, tail);
    void tail.then(() => {
      if (this.keyTails.get(slot) === tail) this.keyTails.delete(slot);
    });
    return current;
  }

  /** The newest unpersisted write of `key` in any of this app's queues. */
  async pendingValue<T>(key: string): Promise<PendingRead<T> | undefined> {
    if (this.queues.length === 0) return undefined;
    const reads = await Promise.all(this.queues.map((queue) => this.engine.pendingValue<T>(queue, key)));
    return reads.find((read) => read !== undefined);
  }

  deadLetters(queue: string, options?: { count?: number; after?: string }): Promise<DeadLetterView[]> {
    return this.engine.deadLetters(queue, options);
  }

  countDeadLetters(queue: string): Promise<number> {
    return this.engine.countDeadLetters(queue);
  }

  replayDeadLetters(queue: string, options?: { ids?: string[]; limit?: number }): Promise<DeadLetterReplay> {
    return this.engine.replayDeadLetters(queue, options);
  }

  purgeDeadLetters(queue: string, ids?: string[]): Promise<number> {
    return this.engine.purgeDeadLetters(queue, ids);
  }

  stats(queue: string): Promise<WriteBehindQueueStats> {
    return this.engine.stats(queue);
  }

  /** Flushes until every queue this instance flushes is empty, or `timeoutMs` passes. */
  drain(timeoutMs = this.options.writeBehind.drainTimeoutMs): Promise<void> {
    return this.engine.drain(timeoutMs);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Starting also checks Redis's eviction policy and persistence, and warns when queued writes could be lost.
    if (this.queues.length > 0) await this.engine.start();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.queues.length === 0) return;
    this.drainDeadline = performance.now() + this.options.writeBehind.drainTimeoutMs;
    await this.engine.drain(this.options.writeBehind.drainTimeoutMs);
  }

  async onApplicationShutdown(): Promise<void> {
    // Runs before the module closes the store: stop intake, flush what arrived meanwhile, hand the leases over.
    const left = this.drainDeadline === undefined ? 0 : Math.max(0, this.drainDeadline - performance.now());
    await this.engine.close({ timeoutMs: left });
  }
}
