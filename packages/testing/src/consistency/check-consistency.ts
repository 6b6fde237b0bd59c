import { CachetError, ErrorCodes } from '@cachet/core';
import { startRedis, type RedisServerHandle } from '../start-redis.js';
import { startRedisCluster, type RedisClusterHandle } from '../start-redis-cluster.js';
import { defaultVersions, modeName, type CellMode, type CellTarget, type Topology } from './cell-mode.js';
import { CHECK_DEFAULTS, type CheckConsistencyOptions } from './check-consistency.options.js';
import { checkerError } from './checker-error.js';
import {
  emptyReport,
  finishReport,
  formatReport,
  type ConsistencyReport,
  type ModeReport,
} from './consistency-report.js';
import { runMode } from './mode-runner.js';

/**
 * Runs random concurrent histories against real Redis from several cache
 * instances, with faults on one instance's link, and checks every one of them
 * against a versioned source of truth. Never throws for a finding: every failed
 * expectation, including a bug of the checker itself, is a reported violation.
 */
export async function checkConsistency(options: CheckConsistencyOptions = {}): Promise<ConsistencyReport> {
  const seed = (options.seed ?? Math.floor(Math.random() * 2 ** 31)) >>> 0;
  const log = options.log ?? (() => undefined);
  const modes = matrix(options);
  const total = options.replay !== undefined ? modes.length : (options.histories ?? CHECK_DEFAULTS.histories);
  const report = emptyReport(seed);
  const started = performance.now();
  const servers: { standalone?: RedisServerHandle; cluster?: RedisClusterHandle } = {};
  let index = 0;
  // A promise rejected with nobody listening would crash the process (and a user's app): record it instead.
  let current: ModeReport | undefined;
  const onUnhandled = (reason: unknown): void => {
    const violation = checkerError(current?.mode ?? 'setup', seed, reason);
    violation.kind = 'unhandled-rejection';
    violation.message = `a promise was rejected with no handler: ${(reason as Error)?.stack ?? String(reason)}`;
    (current?.violations ?? report.violations).push(violation);
    log(`VIOLATION [unhandled-rejection] ${current?.mode ?? 'setup'}: ${(reason as Error)?.message ?? String(reason)}`);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    for (const [modeIndex, mode] of modes.entries()) {
      const count =
        options.replay !== undefined
          ? 1
          : Math.floor(total / modes.length) + (modeIndex < total % modes.length ? 1 : 0);
      const modeReport = report.modes[report.modes.push(emptyModeReport(mode)) - 1]!;
      current = modeReport;
      if (count === 0) continue;
      const modeStarted = performance.now();
      try {
        const target = await targetFor(mode.topology, options, servers);
        await runMode(mode, modeIndex, target, count, index, seed, options, modeReport, log);
      } catch (error) {
        modeReport.violations.push(checkerError(modeName(mode), seed, error));
      }
      modeReport.durationMs = performance.now() - modeStarted;
      index += count;
      log(
        `${modeReport.mode}: ${modeReport.histories} histories, ${modeReport.operations} operations, ` +
          `${modeReport.violations.length} violations (${(modeReport.durationMs / 1000).toFixed(1)} s)`,
      );
    }
  } finally {
    await Promise.all([servers.standalone?.stop(), servers.cluster?.stop()]).catch(() => undefined);
    process.off('unhandledRejection', onUnhandled);
  }
  return finishReport(report, performance.now() - started);
}

/** `checkConsistency`, throwing an error that lists every violation (with replay lines) when there is one. */
export async function assertConsistent(options: CheckConsistencyOptions = {}): Promise<ConsistencyReport> {
  const report = await checkConsistency(options);
  if (report.violations.length > 0) throw new ConsistencyViolationError(formatReport(report));
  return report;
}

export class ConsistencyViolationError extends CachetError {
  readonly code = ErrorCodes.consistencyViolation;
}

function matrix(options: CheckConsistencyOptions): CellMode[] {
  const list = <T>(value: T | T[] | undefined, fallback: T[]): T[] =>
    value === undefined ? fallback : Array.isArray(value) ? value : [value];
  const modes: CellMode[] = [];
  for (const topology of list(options.topology, ['standalone' as Topology])) {
    for (const versions of list(options.versions, [defaultVersions(topology)])) {
      for (const l1 of list(options.l1, [false, true])) {
        for (const faults of list(options.faults, [false, true])) modes.push({ topology, l1, faults, versions });
      }
    }
  }
  return modes;
}

async function targetFor(
  topology: Topology,
  options: CheckConsistencyOptions,
  servers: { standalone?: RedisServerHandle; cluster?: RedisClusterHandle },
): Promise<CellTarget> {
  if (topology === 'standalone') {
    if (options.redis?.standalone) return { standalone: options.redis.standalone };
    servers.standalone ??= await startRedis();
    return { standalone: { host: servers.standalone.host, port: servers.standalone.port } };
  }
  if (options.redis?.cluster) return { cluster: options.redis.cluster };
  servers.cluster ??= await startRedisCluster({ masters: 3 });
  return { cluster: servers.cluster.nodes.map(({ host, port }) => ({ host, port })) };
}

function emptyModeReport(mode: CellMode): ModeReport {
  return {
    mode: modeName(mode),
    topology: mode.topology,
    l1: mode.l1,
    faults: mode.faults,
    versions: mode.versions,
    histories: 0,
    operations: 0,
    violations: [],
    busLags: [],
    undelivered: 0,
    excused: 0,
    unjudgedLoads: 0,
    timedOut: 0,
    faultsInjected: 0,
    durationMs: 0,
  };
}
