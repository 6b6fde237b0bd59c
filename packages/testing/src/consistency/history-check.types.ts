import type { FaultWindow, Violation } from './history.types.js';

export interface CheckSettings {
  mode: string;
  l1: boolean;
  /** How long an L1 copy may live when its invalidation never arrives. */
  l1TtlMs: number;
  /**
   * Reads validate entries from bus-kept version copies: another instance's tag invalidation or clear is held
   * to a read from the moment the bus delivered it there (or `versionsTtlMs` after it resolved, if never).
   */
  versionsFromBus: boolean;
  versionsTtlMs: number;
  /** Lease and lease-wait of the history's profile, ms. */
  leaseTtlMs: number;
  leaseWaitMs: number;
  /** Instance 0's link has faults injected. */
  faults: boolean;
  faultWindows: FaultWindow[];
  /** Windows where the checker's own event loop stalled: stampede pairs there are not judged. */
  stalls?: ReadonlyArray<{ start: number; end: number }>;
}

export interface CheckResult {
  violations: Violation[];
  operations: number;
  /** Bus lag samples: mutation resolved → delivered on another instance, ms (never negative). */
  busLags: number[];
  undelivered: number;
  /** Reads whose older version is explained by a write the cache may not have applied (it saw Redis fail). */
  excused: number;
  /** Concurrent loads not judged because the process's event loop stalled meanwhile. */
  unjudgedLoads: number;
  /** Calls on a healthy link that rejected with a timeout: a starved machine, reported to the caller, not a stale answer. */
  timedOut: number;
}

/** Whether an instance's link was faulty (or its breaker not yet closed again) at any time in [from, to]. */
export type FaultedLink = (instance: number, from: number, to: number) => boolean;
