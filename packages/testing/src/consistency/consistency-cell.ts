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
import { startClusterFaultProxy, type ClusterFaultProxy } from './cluster-fault-proxy.js';
import { startFaultProxy, type FaultProxy, type FaultProxyTarget } from './fault-proxy.js';
import { FaultSchedule } from './fault-schedule.js';
import type { FaultWindow, Profile } from './history.types.js';

export type Topology = 'standalone' | 'cluster';

export interface CellMode {
  topology: Topology;
  l1: boolean;
  faults: boolean;
}

export function modeName(mode: CellMode): string {
  return `${mode.topology} l1=${mode.l1 ? 'on' : 'off'} faults=${mode.faults ? 'on' : 'off'}`;
}

/** Where the cell's Redis is: one server, or the nodes of a Cluster. */
export type CellTarget = { standalone: FaultProxyTarget } | { cluster: FaultProxyTarget[] };

export interface CellSettings {
  instances: number;
  /** Queue slots: histories running side by side, each with a namespace and a write-behind queue of its own. */
  slots: number;
  profiles: Profile[];
  writeBehind: boolean;
  /** The user's cache options, laid over the checker's defaults. */
  cache: Omit<CacheOptions, 'redis' | 'store' | 'namespace'>;
  seed: number;
}

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

/**
 * One cell of the matrix: cache instances on separate connections (instance 0
 * through a fault proxy when faults are on), a fault schedule on that link, and
 * the observation hooks the analysis needs (bus deliveries, errors, breaker).
 */
export class ConsistencyCell {
  readonly instances: CheckedInstance[] = [];
  readonly namespace: string;
  faults: FaultSchedule | undefined;
  /** Windows where this process's event loop stalled (timers late by 150 ms or more). */
  readonly stalls: Array<{ start: number; end: number }> = [];
  private stallTimer: NodeJS.Timeout | undefined;
  private proxy: FaultProxy | ClusterFaultProxy | undefined;
  private route: PersistRoute = () => undefined;

  private constructor(
    readonly mode: CellMode,
    readonly settings: CellSettings,
    index: number,
  ) {
    this.namespace = `chk${index}-${mode.topology[0]}${mode.l1 ? 'l' : 'n'}${mode.faults ? 'f' : 'h'}`;
  }

  static async open(
    mode: CellMode,
    target: CellTarget,
    settings: CellSettings,
    index: number,
  ): Promise<ConsistencyCell> {
    const cell = new ConsistencyCell(mode, settings, index);
    try {
      await cell.connect(target);
    } catch (error) {
      await cell.close();
      throw error;
    }
    return cell;
  }

  /** Instances of one profile, instance 0 first. */
  group(profile: Profile): CheckedInstance[] {
    return this.instances.filter((instance) => instance.profile === profile);
  }

  onPersist(route: PersistRoute): void {
    this.route = route;
  }

  faultWindows(): FaultWindow[] {
    return this.faults?.windows ?? [];
  }

  async close(): Promise<void> {
    clearInterval(this.stallTimer);
    await this.faults?.stop();
    this.proxy?.resume();
    for (const instance of this.instances) {
      await instance.writeBehind?.close({ timeoutMs: 2_000 }).catch(() => undefined);
      await instance.cache.close().catch(() => undefined);
      await instance.store.close().catch(() => undefined);
    }
    await this.proxy?.close();
  }

  private async connect(target: CellTarget): Promise<void> {
    let proxied: RedisInput | undefined;
    let direct: RedisInput;
    if ('standalone' in target) {
      direct = { host: target.standalone.host, port: target.standalone.port };
      if (this.mode.faults) {
        const proxy = await startFaultProxy({ target: target.standalone });
        this.proxy = proxy;
        proxied = { host: proxy.host, port: proxy.port };
      }
    } else {
      direct = { cluster: target.cluster };
      if (this.mode.faults) {
        const proxy = await startClusterFaultProxy(target.cluster);
        this.proxy = proxy;
        proxied = { cluster: proxy.startupNodes, options: { natMap: proxy.natMap } };
      }
    }
    for (const profile of this.settings.profiles) {
      for (let index = 0; index < this.settings.instances; index++) {
        this.instances.push(this.instance(profile, index, index === 0 && proxied ? proxied : direct));
      }
    }
    for (const instance of this.instances) {
      await instance.store.ready(10_000);
      await instance.writeBehind?.start();
    }
    if (this.proxy) this.faults = new FaultSchedule(this.proxy, this.settings.seed);
    // On a starved machine a late timer means late replies too: a lease waiter's subscription or read can
    // time out with no error the cache reports, and it then loads on its own, as it should.
    let last = performance.now();
    this.stallTimer = setInterval(() => {
      const now = performance.now();
      if (now - last >= 170) this.stalls.push({ start: last, end: now });
      if (this.stalls.length > 10_000) this.stalls.splice(0, 5_000);
      last = now;
    }, 20);
    this.stallTimer.unref();
  }

  private instance(profile: Profile, index: number, redis: RedisInput): CheckedInstance {
    const options: CacheOptions = {
      commandTimeout: '1500ms',
      breaker: { threshold: 5, resetAfter: '500ms' },
      logger: quietLogger,
      ...PROFILE_OPTIONS[profile],
      ...this.settings.cache,
      l1: this.mode.l1 ? (this.settings.cache.l1 ?? { ttl: '2s' }) : false,
      namespace: this.namespace,
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
    if (this.settings.writeBehind) {
      const writeBehind = createWriteBehind({
        store: { queues: store.queues },
        namespace: `${this.namespace}-${profile === 'default' ? 'd' : 's'}`,
        logger: quietLogger,
        flushInterval: '20ms',
        visibilityTimeout: '2s',
        maxAttempts: 1_000,
        backoff: { initial: '20ms', max: '200ms' },
        drainTimeout: '1s',
      });
      for (let slot = 0; slot < this.settings.slots; slot++) {
        writeBehind.registerHandler(`q${slot}`, { handle: async (item) => this.route(item) });
      }
      checked.writeBehind = writeBehind;
    }
    return checked;
  }
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
