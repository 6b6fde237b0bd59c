import type { WriteBehindHandler, WriteBehindItem } from '@cachet/core';
import type { ResolvedQueueOptions } from '@cachet/core/store';
import { Inject, Injectable } from '@nestjs/common';
import { CacheBindingError } from '../binding/cache-binding.error.js';
import type { MethodSite } from '../binding/method-site.js';
import { CACHE_MODULE_OPTIONS } from '../cache.constants.js';
import type { ResolvedCacheModuleOptions } from '../module/cache-module.options.js';
import type { WriteBehindOptions } from './write-behind.decorator.js';
import { writeBehindQueueOptions } from './write-behind-queue-options.js';
import { WriteBehindOrchestrator } from './write-behind.orchestrator.js';

/** A `@WriteBehind` method, its queue options resolved (once) over the module's. */
interface QueueWriter {
  site: MethodSite;
  original: (...args: unknown[]) => unknown;
  resolved: ResolvedQueueOptions;
}

type BatchMethod = (items: WriteBehindItem[]) => Promise<unknown>;

/**
 * The app's write-behind queues as the scanner found them: every
 * `@WriteBehind` and `@WriteBehindBatch` method, checked as a whole (one batch
 * persister per queue, one set of queue options, a persister for every
 * queue), then each queue handed its persister. The flusher calls the
 * original method, never the decorated one, so a flushed call is not recorded
 * again; it runs on the provider's instance (one of its own for request-scoped
 * and transient classes).
 */
@Injectable()
export class WriteBehindQueues {
  private readonly writers = new Map<string, QueueWriter[]>();
  private readonly persisters = new Map<string, MethodSite>();

  constructor(
    private readonly orchestrator: WriteBehindOrchestrator,
    @Inject(CACHE_MODULE_OPTIONS) private readonly moduleOptions: ResolvedCacheModuleOptions,
  ) {}

  addWriter(site: MethodSite, options: WriteBehindOptions): void {
    const resolved = writeBehindQueueOptions(options, site, this.moduleOptions);
    const list = this.writers.get(options.queue) ?? [];
    list.push({ site, original: site.binding!.original, resolved });
    this.writers.set(options.queue, list);
  }

  addBatchPersister(site: MethodSite, queue: string): void {
    const existing = this.persisters.get(queue);
    if (existing) {
      throw new CacheBindingError(
        site.displayName,
        `@WriteBehindBatch('${queue}') is declared twice (also on ${existing.displayName}); a queue has one batch persister.`,
      );
    }
    this.persisters.set(queue, site);
  }

  /** Once the app is walked: every queue gets its persister and options. */
  registerAll(): void {
    for (const [queue, persister] of this.persisters) {
      if (!this.writers.has(queue)) {
        throw new CacheBindingError(
          persister.displayName,
          `@WriteBehindBatch('${queue}') persists a queue no @WriteBehind method writes; check the queue name.`,
        );
      }
    }
    for (const [queue, writers] of this.writers) this.register(queue, writers, this.persisters.get(queue));
    this.writers.clear();
    this.persisters.clear();
  }

  private register(queue: string, writers: QueueWriter[], persister: MethodSite | undefined): void {
    const [first, ...others] = writers as [QueueWriter, ...QueueWriter[]];
    for (const other of others) {
      if (JSON.stringify(other.resolved) !== JSON.stringify(first.resolved)) {
        throw new CacheBindingError(
          other.site.displayName,
          `@WriteBehind queue "${queue}" has other options on ${first.site.displayName}; ` +
            'batch, coalesce, maxAttempts, backoff, maxPending, onFull, fullWait, visibilityTimeout, durability and ' +
            'replicaTimeout belong to the queue: give them once, the same everywhere.',
        );
      }
    }
    let handler: WriteBehindHandler;
    if (persister) {
      const method = persister.handler as BatchMethod;
      handler = {
        handleBatch: async (items) => void (await method.call(await persister.owner.backgroundInstance(), items)),
      };
    } else if (others.length > 0) {
      throw new CacheBindingError(
        foundOn(others[0]!.site),
        `@WriteBehind queue "${queue}" is also written by ${foundOn(first.site)}; ` +
          `give the queue a @WriteBehindBatch('${queue}') method that persists items of both, or use one queue per method.`,
      );
    } else {
      const { site, original } = first;
      handler = {
        handle: async (item) => void (await original.apply(await site.owner.backgroundInstance(), item.args)),
      };
    }
    const { resolved } = first;
    this.orchestrator.register(queue, handler, {
      batch: { size: resolved.batchSize, interval: resolved.intervalMs },
      coalesce: resolved.coalesce,
      maxAttempts: resolved.maxAttempts,
      backoff: { initial: resolved.backoffInitialMs, max: resolved.backoffMaxMs },
      maxPending: resolved.maxPending,
      onFull: resolved.onFull,
      fullWait: resolved.fullWaitMs,
      visibilityTimeout: resolved.visibilityTimeoutMs,
      durability: resolved.durability,
      replicaTimeout: resolved.replicaTimeoutMs,
    });
  }
}

/** `Class.method` of the class the method was found on (a subclass, for a method a base class declares). */
function foundOn(site: MethodSite): string {
  return `${site.owner.className}.${String(site.propertyKey)}`;
}
