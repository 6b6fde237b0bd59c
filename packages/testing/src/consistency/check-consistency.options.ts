import type { CacheOptions } from '@cachet/core';
import type { Topology, VersionSource } from './cell-mode.js';
import type { FaultProxyTarget } from './fault-proxy.js';

export interface CheckConsistencyOptions {
  /** Seed of the whole run (each history derives its own); random when omitted, and always reported. */
  seed?: number;
  /** Histories in total, spread evenly over the matrix. Default 100. */
  histories?: number;
  /** Operations per history. Default 12. */
  opsPerHistory?: number;
  /** Keys per history (a write-behind key comes on top). Default 3. */
  keys?: number;
  /** Cache instances, each on its own connection; instance 0 is the one behind the fault proxy. Default 3. */
  instances?: number;
  /**
   * Matrix axes; each takes one value or a list. Defaults: standalone; L1 off and on; faults off and on; the
   * cache's default version source of each topology (`'redis'` standalone, `'bus'` Cluster).
   */
  topology?: Topology | Topology[];
  l1?: boolean | boolean[];
  faults?: boolean | boolean[];
  versions?: VersionSource | VersionSource[];
  /** Include write-behind writes (append, then cache) with read-your-writes and no-loss checks. Default true. */
  writeBehind?: boolean;
  /** Histories run side by side in each cell. Default 8. */
  concurrency?: number;
  /** Share of histories with a 1 s write fence and loads that outlive it. Default 0.03. */
  shortFenceShare?: number;
  /** Share of histories whose keys and tags carry braces. Default 0.25. */
  braceShare?: number;
  /** Your Redis (never flushed; the checker writes under its own namespaces). Started by the checker when omitted. */
  redis?: { standalone?: FaultProxyTarget; cluster?: FaultProxyTarget[] };
  /** Your cache options (ttl, lock, l1, breaker, serializer...), laid over the checker's defaults. */
  cache?: Omit<CacheOptions, 'redis' | 'store' | 'namespace'>;
  /** Run only the history with this seed (as printed with a violation), in every selected mode. */
  replay?: number;
  /** With `replay`: run only these ops of the history (as printed with a violation), and those they follow. */
  replayOps?: number[];
  /** Progress and violations as they are found. */
  log?: (line: string) => void;
}

export const CHECK_DEFAULTS = { histories: 100, opsPerHistory: 12, keys: 3, instances: 3, concurrency: 8 };
