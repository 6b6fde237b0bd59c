import type { WriteBehindHandler, WriteBehindItem } from '@cachet/core';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { CacheBindingError } from '../binding/cache-binding.error.js';
import { CacheMetadataAccessor } from '../binding/cache-metadata.accessor.js';
import type { MethodBinding } from '../binding/method-binding.js';
import { CACHE_MODULE_OPTIONS } from '../cache.constants.js';
import type { ResolvedCacheModuleOptions } from '../module/cache-module.options.js';
import { WRITE_BEHIND_BATCH_METADATA, WRITE_BEHIND_METADATA } from './write-behind.constants.js';
import type { WriteBehindOptions } from './write-behind.decorator.js';
import { writeBehindKind, writeBehindQueueOptions } from './write-behind.kind.js';
import { WriteBehindOrchestrator } from './write-behind.orchestrator.js';

/** A `@WriteBehind` method and the instance its flusher calls. */
interface QueueWriter {
  binding: MethodBinding;
  options: WriteBehindOptions;
  instance: object;
}

/** A `@WriteBehindBatch` method and its instance. */
interface QueueBatchPersister {
  displayName: string;
  method: (items: WriteBehindItem[]) => Promise<unknown>;
  instance: object;
}

/** Decorators that cannot share a method with `@WriteBehind`: each would make the call do something else. */
const EXCLUSIVE_WITH_WRITE_BEHIND = ['@Cacheable', '@WriteThrough'];

/**
 * Finds every `@WriteBehind` and `@WriteBehindBatch` method at bootstrap,
 * checks the queues make sense as a whole (one batch persister per queue, one
 * set of queue options, a persister for every queue) and gives each queue its
 * persister. The flusher calls the original method, never the decorated one,
 * so a flushed call is not recorded again.
 */
@Injectable()
export class WriteBehindExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: CacheMetadataAccessor,
    private readonly orchestrator: WriteBehindOrchestrator,
    @Inject(CACHE_MODULE_OPTIONS) private readonly moduleOptions: ResolvedCacheModuleOptions,
  ) {}

  onModuleInit(): void {
    const writers = new Map<string, QueueWriter[]>();
    const persisters = new Map<string, QueueBatchPersister>();
    const seen = new Set<unknown>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const prototype = classPrototype(wrapper);
      if (prototype === undefined) continue;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const fn: unknown = (prototype as Record<string, unknown>)[name];
        if (typeof fn !== 'function' || seen.has(fn)) continue;
        seen.add(fn);
        const displayName = `${prototype.constructor.name}.${name}`;
        const batchQueue: string | undefined = Reflect.getOwnMetadata(WRITE_BEHIND_BATCH_METADATA, fn);
        if (batchQueue !== undefined) {
          const existing = persisters.get(batchQueue);
          if (existing) {
            throw new CacheBindingError(
              displayName,
              `@WriteBehindBatch('${batchQueue}') is declared twice (also on ${existing.displayName}); a queue has one batch persister.`,
            );
          }
          const instance = singletonInstance(wrapper, displayName, '@WriteBehindBatch');
          persisters.set(batchQueue, { displayName, method: fn as QueueBatchPersister['method'], instance });
        }
        const binding = this.accessor.bindingOf(fn);
        const options: WriteBehindOptions | undefined =
          binding && Reflect.getOwnMetadata(WRITE_BEHIND_METADATA, binding.trampoline);
        if (binding === undefined || options === undefined) continue;
        writeBehindKind.validate(options, binding);
        this.assertAlone(binding);
        const instance = singletonInstance(wrapper, displayName, '@WriteBehind');
        const list = writers.get(options.queue) ?? [];
        list.push({ binding, options, instance });
        writers.set(options.queue, list);
      }
    }
    for (const [queue, persister] of persisters) {
      if (!writers.has(queue)) {
        throw new CacheBindingError(
          persister.displayName,
          `@WriteBehindBatch('${queue}') persists a queue no @WriteBehind method writes; check the queue name.`,
        );
      }
    }
    for (const [queue, list] of writers) this.registerQueue(queue, list, persisters.get(queue));
  }

  private registerQueue(queue: string, writers: QueueWriter[], persister: QueueBatchPersister | undefined): void {
    const [first, ...others] = writers as [QueueWriter, ...QueueWriter[]];
    const resolved = writeBehindQueueOptions(first.options, first.binding, this.moduleOptions);
    for (const other of others) {
      const theirs = writeBehindQueueOptions(other.options, other.binding, this.moduleOptions);
      if (JSON.stringify(theirs) !== JSON.stringify(resolved)) {
        throw new CacheBindingError(
          other.binding.displayName,
          `@WriteBehind queue "${queue}" has other options on ${first.binding.displayName}; ` +
            'batch, coalesce, maxAttempts, backoff, maxPending, onFull, fullWait, visibilityTimeout, durability and ' +
            'replicaTimeout belong to the queue: give them once, the same everywhere.',
        );
      }
    }
    let handler: WriteBehindHandler;
    if (persister) {
      handler = { handleBatch: async (items) => void (await persister.method.call(persister.instance, items)) };
    } else if (others.length > 0) {
      throw new CacheBindingError(
        others[0]!.binding.displayName,
        `@WriteBehind queue "${queue}" is also written by ${first.binding.displayName}; ` +
          `give the queue a @WriteBehindBatch('${queue}') method that persists items of both, or use one queue per method.`,
      );
    } else {
      const { binding, instance } = first;
      handler = { handle: async (item) => void (await binding.original.apply(instance, item.args)) };
    }
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

  private assertAlone(binding: MethodBinding): void {
    const clashing = this.accessor
      .operationsOf(binding)
      .map((operation) => operation.kind.decorator)
      .filter((decorator) => EXCLUSIVE_WITH_WRITE_BEHIND.includes(decorator));
    if (clashing.length > 0) {
      throw new CacheBindingError(
        binding.displayName,
        `@WriteBehind cannot share a method with ${clashing.join(', ')}: the method runs later, in the flusher. ` +
          'Read through a separate @Cacheable method with the same key.',
      );
    }
  }
}

/** The class prototype of a provider or controller Nest builds (values and factories have none to scan). */
function classPrototype(wrapper: InstanceWrapper): object | undefined {
  const { metatype, inject, instance } = wrapper;
  if (typeof metatype === 'function' && !inject && metatype.prototype) return metatype.prototype as object;
  if (instance !== null && typeof instance === 'object') return Object.getPrototypeOf(instance) ?? undefined;
  return undefined;
}

/** The flusher runs outside any request, so it needs the one instance of a singleton. */
function singletonInstance(wrapper: InstanceWrapper, displayName: string, decorator: string): object {
  const instance: unknown = wrapper.instance;
  if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient || instance === null || typeof instance !== 'object') {
    throw new CacheBindingError(
      displayName,
      `${decorator} needs a singleton provider: the flusher persists outside any request. ` +
        'Move the persisting method to a default-scoped service.',
    );
  }
  return instance;
}
