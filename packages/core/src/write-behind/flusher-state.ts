import type { Serializer } from '../cache/serializer.js';
import type { HeldLock } from '../lock/held-lock.js';
import type { QueueEntry, QueueKeys, QueueStore } from '../store/queue.store.js';
import type { CacheLogger } from '../telemetry/logger.js';
import type { WriteBehindTelemetry } from '../telemetry/open-telemetry/write-behind-telemetry.js';
import type { HeldEntry } from './flush-plan.js';
import type { ResolvedQueueOptions, WriteBehindHandler } from './write-behind.types.js';

export interface QueueFlusherDeps {
  queue: string;
  keys: QueueKeys;
  store: QueueStore;
  options: ResolvedQueueOptions;
  handler: WriteBehindHandler;
  /** This instance's consumer name in the group. */
  consumer: string;
  serializer: Serializer;
  logger: CacheLogger;
  /** Where the ownership lease announces its release. */
  releaseChannel: string;
  /** OpenTelemetry spans and metrics of each flush, when on. */
  telemetry?: WriteBehindTelemetry;
}

export interface FlusherCounters {
  flushed: number;
  retried: number;
  deadLettered: number;
  handlerCalls: number;
}

/** What the flusher of one queue holds while it runs: shared by its ownership, dispatch and settlement steps. */
export interface FlusherState {
  readonly deps: QueueFlusherDeps;
  readonly counters: FlusherCounters;
  /** The ownership lease, while this instance is the queue's flusher. */
  owner: HeldLock | undefined;
  /** Entries delivered to this instance and not yet acknowledged, in stream order. */
  held: HeldEntry[];
  /** Persisted, but the acknowledgement did not reach Redis: acknowledge again before anything else. */
  persistedUnacked: Array<Pick<QueueEntry, 'id' | 'key'>>;
  lastReclaimAt: number;
}

export function flusherState(deps: QueueFlusherDeps): FlusherState {
  return {
    deps,
    counters: { flushed: 0, retried: 0, deadLettered: 0, handlerCalls: 0 },
    owner: undefined,
    held: [],
    persistedUnacked: [],
    lastReclaimAt: 0,
  };
}
