import {
  createCache,
  createWriteBehind,
  type Cache,
  type CacheLogger,
  type CacheOptions,
  type RedisInput,
  type WriteBehindEngine,
  type WriteBehindItem,
} from '@cachet/core';
import { RedisStore, type MessageBus, type Store } from '@cachet/core/store';
import type { CellMode, CellSettings } from './cell-mode.js';
import type { Profile } from './history.types.js';

export interface BusDelivery {
  at: number;
  origin: string;
  /** Sender's wall clock at publish. */
  sentAt: number;
  message: { op: string; keys?: string[]; tags?: string[] };
}

/** One cache instance with its own connection, and what the checker observes of it. */
export interface CheckedInstance {
  index: number;
  profile: Profile;
  cache: Cache;
  store: RedisStore;
  writeBehind?: WriteBehindEngine;
  /** Invalidation-bus origin id, learned from its first publish. */
  origin?: string;
  /** `:b` channel → messages delivered to this instance (recorded after its handlers ran). */
  deliveries: Map<string, BusDelivery[]>;
  /** Redis errors reported by the cache, with the namespace that saw them. */
  errors: Array<{ at: number; namespace: string; message: string }>;
  /** Breaker transitions, time-ordered. */
  breaker: Array<{ at: number; state: string }>;
}

/** Routes write-behind items to the history that appended them. */
export type PersistRoute = (item: WriteBehindItem) => void;

export const PROFILE_OPTIONS: Record<Profile, Omit<CacheOptions, 'redis' | 'store' | 'namespace'>> = {
  default: {},
  // A write fence of 1 s (maxTtl) under a 100 ms lease: loads may outlive the fence.
  'short-fence': { ttl: '1s', maxTtl: '1s', lock: { ttl: '100ms' } },
};

const quietLogger: CacheLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Where one instance of a cell connects, and how the cell is set up. */
export interface InstancePlace {
  mode: CellMode;
  settings: CellSettings;
  namespace: string;
  profile: Profile;
  index: number;
  redis: RedisInput;
}

/**
 * One cache instance on its own connection, observed: its bus deliveries,
 * the Redis errors and breaker changes its cache reports, and (with
 * write-behind) one queue per slot whose items go to `persist`.
 */
export function openCheckedInstance(place: InstancePlace, persist: PersistRoute): CheckedInstance {
  const { mode, settings, namespace, profile, index, redis } = place;
  const options: CacheOptions = {
    commandTimeout: '1500ms',
    breaker: { threshold: 5, resetAfter: '500ms' },
    logger: quietLogger,
    ...PROFILE_OPTIONS[profile],
    ...settings.cache,
    l1: mode.l1 ? (settings.cache.l1 ?? { ttl: '2s' }) : false,
    versions: { ttl: '2s', ...settings.cache.versions, source: mode.versions },
    namespace,
  };
  const store = RedisStore.connect(redis, { commandTimeoutMs: 1_500 }, { logger: quietLogger });
  const checked: CheckedInstance = {
    index,
    profile,
    store,
    cache: undefined as unknown as Cache,
    deliveries: new Map(),
    errors: [],
    breaker: [],
  };
  checked.cache = createCache({ ...options, store: observe(store, checked) });
  checked.cache.events.on('error', (event) =>
    checked.errors.push({
      at: performance.now(),
      namespace: event.namespace,
      message: String((event.error as Error | undefined)?.message ?? event.error),
    }),
  );
  checked.cache.events.on('breaker', (event) => checked.breaker.push({ at: performance.now(), state: event.state }));
  if (settings.writeBehind) {
    const writeBehind = createWriteBehind({
      store: { queues: store.queues },
      namespace: `${namespace}-${profile === 'default' ? 'd' : 's'}`,
      logger: quietLogger,
      flushInterval: '20ms',
      visibilityTimeout: '2s',
      maxAttempts: 1_000,
      backoff: { initial: '20ms', max: '200ms' },
      drainTimeout: '1s',
    });
    for (let slot = 0; slot < settings.slots; slot++) {
      writeBehind.registerHandler(`q${slot}`, { handle: async (item) => persist(item) });
    }
    checked.writeBehind = writeBehind;
  }
  return checked;
}

/** The same store, with its bus observed: deliveries are recorded after the cache's own handlers ran. */
function observe(store: RedisStore, instance: CheckedInstance): Store {
  const bus = store.bus;
  const observing =
    (channel: string, handler: (raw: string) => void) =>
    (raw: string): void => {
      handler(raw);
      if (channel.endsWith(':b')) record(instance, channel, raw);
    };
  const observed: MessageBus = {
    listen: (channel, handler, onChange) => bus.listen(channel, observing(channel, handler), onChange),
    subscribe: (channel, handler) => bus.subscribe(channel, observing(channel, handler)),
    publish: (channel, message) => {
      if (channel.endsWith(':b') && !instance.origin) instance.origin = parseWire(message)?.o;
      return bus.publish(channel, message);
    },
    onResubscribe: (handler) => bus.onResubscribe?.(handler),
  };
  return {
    kind: store.kind,
    entries: store.entries,
    bus: observed,
    rateLimits: store.rateLimits,
    locks: store.locks,
    queues: store.queues,
    ready: (timeoutMs) => store.ready(timeoutMs),
    isReady: () => store.isReady(),
    // The checker closes the connection itself, after the cache.
    close: async () => undefined,
  };
}

interface Wire {
  o: string;
  s: number;
  m: BusDelivery['message'];
}

function parseWire(raw: string): Wire | undefined {
  try {
    const wire = JSON.parse(raw) as Wire;
    return typeof wire?.o === 'string' && typeof wire.m === 'object' ? wire : undefined;
  } catch {
    return undefined;
  }
}

function record(instance: CheckedInstance, channel: string, raw: string): void {
  const wire = parseWire(raw);
  if (!wire) return;
  let list = instance.deliveries.get(channel);
  if (!list) instance.deliveries.set(channel, (list = []));
  list.push({ at: performance.now(), origin: wire.o, sentAt: wire.s, message: wire.m });
  if (list.length > 5_000) list.splice(0, list.length - 5_000);
}
