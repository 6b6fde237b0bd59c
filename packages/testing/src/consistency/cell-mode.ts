import type { CacheOptions } from '@cachet/core';
import type { FaultProxyTarget } from './fault-proxy.js';
import type { Profile } from './history.types.js';

export type Topology = 'standalone' | 'cluster';

/** Where reads learn tag and generation versions (the cache's `versions.source`). */
export type VersionSource = 'redis' | 'bus';

export interface CellMode {
  topology: Topology;
  l1: boolean;
  faults: boolean;
  versions: VersionSource;
}

/** The cache's own default: the bus on Cluster, Redis on a single server. */
export function defaultVersions(topology: Topology): VersionSource {
  return topology === 'cluster' ? 'bus' : 'redis';
}

export function modeName(mode: CellMode): string {
  return (
    `${mode.topology} l1=${mode.l1 ? 'on' : 'off'} faults=${mode.faults ? 'on' : 'off'}` + ` versions=${mode.versions}`
  );
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
