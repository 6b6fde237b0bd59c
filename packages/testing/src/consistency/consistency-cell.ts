import type { RedisInput } from '@cachet/core';
import type { CellMode, CellSettings, CellTarget } from './cell-mode.js';
import { openCheckedInstance, type CheckedInstance, type PersistRoute } from './checked-instance.js';
import { startClusterFaultProxy, type ClusterFaultProxy } from './cluster-fault-proxy.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { FaultSchedule } from './fault-schedule.js';
import type { FaultWindow, Profile } from './history.types.js';

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
    this.namespace = `chk${index}-${mode.topology[0]}${mode.l1 ? 'l' : 'n'}${mode.faults ? 'f' : 'h'}${mode.versions[0]}`;
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
        const redis = index === 0 && proxied ? proxied : direct;
        const place = { mode: this.mode, settings: this.settings, namespace: this.namespace, profile, index, redis };
        this.instances.push(openCheckedInstance(place, (item) => this.route(item)));
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
}
