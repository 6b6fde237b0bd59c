import { CachetError, ErrorCodes, type CacheOptions, type WriteBehindItem } from '@cachet/core';
import { LOCK_DEFAULTS, toMs } from '@cachet/core/store';
import { startRedis, type RedisServerHandle } from '../start-redis.js';
import { startRedisCluster, type RedisClusterHandle } from '../start-redis-cluster.js';
import {
  ConsistencyCell,
  modeName,
  PROFILE_OPTIONS,
  type CellMode,
  type CellTarget,
  type Topology,
} from './consistency-cell.js';
import type { FaultProxyTarget } from './fault-proxy.js';
import { checkHistory } from './history-check.js';
import { generateHistory, type GenerateOptions } from './history-generator.js';
import { runHistory } from './history-runner.js';
import type { HistorySpec, Profile, Violation, ViolationKind } from './history.types.js';
import { historySeed } from './seeded-random.js';
import type { VersionedSource } from './versioned-source.js';
import {
  emptyReport,
  finishReport,
  formatReport,
  type ConsistencyReport,
  type ModeReport,
} from './consistency-report.js';

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
  /** Matrix axes; each takes one value or a list. Defaults: standalone; L1 off and on; faults off and on. */
  topology?: Topology | Topology[];
  l1?: boolean | boolean[];
  faults?: boolean | boolean[];
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

const DEFAULTS = { histories: 100, opsPerHistory: 12, keys: 3, instances: 3, concurrency: 8 };

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
  const total = options.replay !== undefined ? modes.length : (options.histories ?? DEFAULTS.histories);
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
    for (const l1 of list(options.l1, [false, true])) {
      for (const faults of list(options.faults, [false, true])) modes.push({ topology, l1, faults });
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

async function runMode(
  mode: CellMode,
  modeIndex: number,
  target: CellTarget,
  count: number,
  firstIndex: number,
  seed: number,
  options: CheckConsistencyOptions,
  modeReport: ModeReport,
  log: (line: string) => void,
): Promise<void> {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? DEFAULTS.concurrency, count));
  const generate: GenerateOptions = {
    ops: options.opsPerHistory ?? DEFAULTS.opsPerHistory,
    keys: options.keys ?? DEFAULTS.keys,
    instances: Math.max(2, options.instances ?? DEFAULTS.instances),
    writeBehind: options.writeBehind ?? true,
    shortFenceShare: options.shortFenceShare ?? 0.03,
    braceShare: options.braceShare ?? 0.25,
    spanMs: 200,
  };
  const profiles: Profile[] =
    generate.shortFenceShare > 0 || options.replay !== undefined ? ['default', 'short-fence'] : ['default'];
  const cell = await ConsistencyCell.open(
    mode,
    target,
    {
      instances: generate.instances,
      slots: concurrency,
      profiles,
      writeBehind: generate.writeBehind,
      cache: options.cache ?? {},
      seed: seed ^ modeIndex,
    },
    modeIndex,
  );
  const sources = new Map<string, VersionedSource>();
  cell.onPersist((item: WriteBehindItem) => {
    const [runId, key, version] = item.args as [string, string, number];
    sources.get(runId)?.persist(key, version);
  });
  const name = modeName(mode);
  let next = 0;
  const worker = async (slot: number): Promise<void> => {
    while (next < count) {
      const n = next++;
      const specSeed = options.replay ?? historySeed(seed, firstIndex + n);
      let spec: HistorySpec | undefined;
      try {
        spec = generateHistory(specSeed, generate);
        if (options.replay !== undefined && options.replayOps) spec = onlyOps(spec, options.replayOps);
        const run = await runHistory(spec, {
          cell,
          slot,
          runId: `${modeIndex.toString(36)}.${(firstIndex + n).toString(36)}`,
          register: (runId, source) => {
            sources.set(runId, source);
            return () => sources.delete(runId);
          },
        });
        const result = checkHistory(run, {
          mode: name,
          l1: mode.l1,
          l1TtlMs: l1TtlMs(options),
          leaseTtlMs: leaseMs(spec.profile, options, 'ttl'),
          leaseWaitMs: leaseMs(spec.profile, options, 'wait'),
          faults: mode.faults,
          faultWindows: cell.faultWindows(),
          stalls: cell.stalls,
        });
        modeReport.histories++;
        modeReport.operations += result.operations;
        modeReport.busLags.push(...result.busLags);
        modeReport.undelivered += result.undelivered;
        modeReport.excused += result.excused;
        modeReport.unjudgedLoads += result.unjudgedLoads;
        modeReport.timedOut += result.timedOut;
        for (const violation of result.violations) {
          modeReport.violations.push(violation);
          log(`VIOLATION [${violation.kind}] ${name}, history seed ${violation.historySeed}: ${violation.message}`);
        }
      } catch (error) {
        modeReport.histories++;
        modeReport.violations.push(checkerError(name, specSeed, error));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, (_, slot) => worker(slot)));
  } finally {
    modeReport.faultsInjected = cell.faultWindows().length;
    await cell.close();
  }
}

function emptyModeReport(mode: CellMode): ModeReport {
  return {
    mode: modeName(mode),
    topology: mode.topology,
    l1: mode.l1,
    faults: mode.faults,
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

function l1TtlMs(options: CheckConsistencyOptions): number {
  const l1 = options.cache?.l1;
  return toMs(l1 && l1.ttl !== undefined ? l1.ttl : '2s', 'l1.ttl');
}

function leaseMs(profile: Profile, options: CheckConsistencyOptions, field: 'ttl' | 'wait'): number {
  const value = options.cache?.lock?.[field] ?? PROFILE_OPTIONS[profile].lock?.[field] ?? LOCK_DEFAULTS[field];
  return toMs(value, `lock.${field}`, { allowZero: true });
}

function checkerError(mode: string, seed: number, error: unknown): Violation {
  const kind: ViolationKind = 'checker-error';
  return {
    kind,
    mode,
    historySeed: seed,
    profile: 'default',
    message: `the checker failed: ${(error as Error)?.stack ?? String(error)}`,
    history: [],
    ops: [],
  };
}

/** The history cut down to `ids` and the ops they follow (transitively), keeping every op's id and schedule. */
function onlyOps(spec: HistorySpec, ids: readonly number[]): HistorySpec {
  const keep = new Set(ids);
  for (let changed = true; changed;) {
    changed = false;
    for (const op of spec.ops) {
      if (keep.has(op.id) && op.after !== undefined && !keep.has(op.after)) {
        keep.add(op.after);
        changed = true;
      }
    }
  }
  return { ...spec, ops: spec.ops.filter((op) => keep.has(op.id)) };
}
