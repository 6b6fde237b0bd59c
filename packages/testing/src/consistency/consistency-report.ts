import type { Violation, ViolationKind } from './history.types.js';

export interface BusLagSummary {
  /** Deliveries measured: a mutation resolved on one instance, its message handled on another. */
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Mutations whose message never reached an instance (L1 then bounded only by its TTL). */
  undelivered: number;
}

export interface ModeReport {
  mode: string;
  topology: 'standalone' | 'cluster';
  l1: boolean;
  faults: boolean;
  versions: 'redis' | 'bus';
  histories: number;
  operations: number;
  violations: Violation[];
  /** Raw lag samples (ms); summarized in `busLag` of the report. */
  busLags: number[];
  undelivered: number;
  /** Older reads explained by a write whose cache update may have failed (its instance saw Redis fail). */
  excused: number;
  /** Concurrent loads not judged because the checker's event loop stalled (a starved machine). */
  unjudgedLoads: number;
  /** Calls on a healthy link that rejected with a timeout (a starved machine), not judged as errors. */
  timedOut: number;
  faultsInjected: number;
  durationMs: number;
}

export interface ConsistencyReport {
  seed: number;
  histories: number;
  operations: number;
  violations: Violation[];
  byKind: Partial<Record<ViolationKind, number>>;
  modes: ModeReport[];
  busLag: BusLagSummary;
  excused: number;
  unjudgedLoads: number;
  timedOut: number;
  durationMs: number;
}

export function emptyReport(seed: number): ConsistencyReport {
  return {
    seed,
    histories: 0,
    operations: 0,
    violations: [],
    byKind: {},
    modes: [],
    busLag: { samples: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, undelivered: 0 },
    excused: 0,
    unjudgedLoads: 0,
    timedOut: 0,
    durationMs: 0,
  };
}

export function finishReport(report: ConsistencyReport, durationMs: number): ConsistencyReport {
  const lags: number[] = [];
  for (const mode of report.modes) {
    report.histories += mode.histories;
    report.operations += mode.operations;
    report.excused += mode.excused;
    report.unjudgedLoads += mode.unjudgedLoads;
    report.timedOut += mode.timedOut;
    report.busLag.undelivered += mode.undelivered;
    report.violations.push(...mode.violations);
    for (const lag of mode.busLags) lags.push(lag);
  }
  lags.sort((a, b) => a - b);
  const at = (q: number): number =>
    lags.length === 0 ? 0 : lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]!;
  report.busLag = {
    ...report.busLag,
    samples: lags.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: lags[lags.length - 1] ?? 0,
  };
  for (const violation of report.violations) report.byKind[violation.kind] = (report.byKind[violation.kind] ?? 0) + 1;
  report.durationMs = durationMs;
  return report;
}

/** A readable report: totals, each mode, then every violation (up to `limit`) with its replayable history. */
export function formatReport(report: ConsistencyReport, limit = 20): string {
  const lines = [
    `consistency: seed ${report.seed}, ${report.histories} histories, ${report.operations} operations, ` +
      `${report.violations.length} violations in ${(report.durationMs / 1000).toFixed(1)} s`,
  ];
  for (const mode of report.modes) {
    const lags = [...mode.busLags].sort((a, b) => a - b);
    const p = (q: number): string => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]!.toFixed(1);
    lines.push(
      `  ${mode.mode}: ${mode.histories} histories, ${mode.operations} ops, ${mode.violations.length} violations` +
        (mode.faults ? `, ${mode.faultsInjected} faults injected` : '') +
        (lags.length > 0 ? `; bus lag p50 ${p(0.5)} ms, p99 ${p(0.99)} ms` : ''),
    );
  }
  const lag = report.busLag;
  if (lag.samples > 0 || lag.undelivered > 0) {
    lines.push(
      `  bus lag (mutation resolved → delivered on another instance): p50 ${lag.p50Ms.toFixed(1)} ms, ` +
        `p99 ${lag.p99Ms.toFixed(1)} ms, max ${lag.maxMs.toFixed(1)} ms over ${lag.samples} deliveries; ${lag.undelivered} undelivered`,
    );
  }
  if (report.excused > 0) {
    lines.push(
      `  ${report.excused} older reads explained by a write whose cache update may have failed (Redis error on its link)`,
    );
  }
  if (report.unjudgedLoads > 0) {
    lines.push(`  ${report.unjudgedLoads} concurrent loads not judged: the checker's event loop stalled meanwhile`);
  }
  if (report.timedOut > 0) {
    lines.push(
      `  ${report.timedOut} calls rejected with a timeout on a healthy link (a starved machine; never a floor)`,
    );
  }
  const kinds = Object.entries(report.byKind).map(([kind, count]) => `${kind}: ${count}`);
  if (kinds.length > 0) lines.push(`  by kind: ${kinds.join(', ')}`);
  for (const violation of report.violations.slice(0, limit)) lines.push('', ...formatViolation(violation));
  if (report.violations.length > limit) lines.push('', `… and ${report.violations.length - limit} more`);
  return lines.join('\n');
}

export function formatViolation(violation: Violation): string[] {
  const [topology, l1, faults, versions] = violation.mode.split(' ');
  const replay =
    `checkConsistency({ replay: ${violation.historySeed}, topology: '${topology}', ` +
    `l1: ${l1 === 'l1=on'}, faults: ${faults === 'faults=on'}, versions: '${versions?.slice('versions='.length)}'` +
    (violation.ops.length > 0 ? `, replayOps: [${violation.ops.join(', ')}]` : '') +
    ' })';
  return [
    `[${violation.kind}] ${violation.mode}, history seed ${violation.historySeed}` +
      (violation.profile === 'short-fence' ? ' (short write fence: maxTtl 1s, lock.ttl 100ms)' : ''),
    `  ${violation.message}`,
    `  replay: ${replay}`,
    ...violation.history.map((line) => `    ${line}`),
  ];
}
