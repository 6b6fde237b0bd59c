import { createWriteBehind, type WriteBehindEngine } from '@cachet/core';
import type { Store } from '@cachet/core/store';
import type { Provider } from '@nestjs/common';
import { CACHE_MODULE_OPTIONS, CACHE_STORE } from '../cache.constants.js';
import type { ResolvedCacheModuleOptions } from '../module/cache-module.options.js';
import { CACHE_WRITE_BEHIND } from './write-behind.constants.js';
import { WriteBehindOrchestrator } from './write-behind.orchestrator.js';
import { WriteBehindQueues } from './write-behind-queues.js';

/**
 * Write-behind on the module's store and namespace: queues live at
 * `<namespace>:wb:{<hash>}:<queue>:*` on the module's connection (closed by the
 * module, after the queues drained). `writeBehind` module options are the
 * defaults of every queue.
 */
export const writeBehindProviders: Provider[] = [
  {
    provide: CACHE_WRITE_BEHIND,
    inject: [CACHE_MODULE_OPTIONS, CACHE_STORE],
    useFactory: (options: ResolvedCacheModuleOptions, store: Store): WriteBehindEngine =>
      createWriteBehind({
        store: { queues: store.queues },
        namespace: options.namespace,
        serializer: options.cache.serializer,
        logger: options.cache.logger,
        flushInterval: options.writeBehind.flushIntervalMs,
        batchSize: options.writeBehind.batchSize,
        maxAttempts: options.writeBehind.maxAttempts,
        drainTimeout: options.writeBehind.drainTimeoutMs,
        telemetry: options.cache.telemetry,
      }),
  },
  WriteBehindOrchestrator,
  WriteBehindQueues,
];
