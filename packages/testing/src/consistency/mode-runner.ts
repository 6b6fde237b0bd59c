import type { WriteBehindItem } from '@cachet/core';
import { LOCK_DEFAULTS, toMs } from '@cachet/core/store';
import { modeName, type CellMode, type CellTarget } from './cell-mode.js';
import { CHECK_DEFAULTS, type CheckConsistencyOptions } from './check-consistency.options.js';
import { checkerError } from './checker-error.js';
import { PROFILE_OPTIONS } from './checked-instance.js';
import type { ModeReport } from './consistency-report.js';
import { ConsistencyCell } from './consistency-cell.js';
import { checkHistory } from './history-check.js';
import { generateHistory, type GenerateOptions } from './history-generator.js';
import { onlyOps } from './history-replay.js';
import { runHistory } from './history-runner.js';
import type { HistorySpec, Profile } from './history.types.js';
import { historySeed } from './seeded-random.js';
import type { VersionedSource } from './versioned-source.js';

/**
 * Runs `count` histories of one mode of the matrix in one cell, `concurrency`
 * side by side, and adds what each one's check found to `modeReport`.
 */
export async function runMode(
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
  const concurrency = Math.max(1, Math.min(options.concurrency ?? CHECK_DEFAULTS.concurrency, count));
  const generate: GenerateOptions = {
    ops: options.opsPerHistory ?? CHECK_DEFAULTS.opsPerHistory,
    keys: options.keys ?? CHECK_DEFAULTS.keys,
    instances: Math.max(2, options.instances ?? CHECK_DEFAULTS.instances),
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
          versionsFromBus: mode.versions === 'bus',
          versionsTtlMs: toMs(options.cache?.versions?.ttl ?? '2s', 'versions.ttl'),
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

function l1TtlMs(options: CheckConsistencyOptions): number {
  const l1 = options.cache?.l1;
  return toMs(l1 && l1.ttl !== undefined ? l1.ttl : '2s', 'l1.ttl');
}

function leaseMs(profile: Profile, options: CheckConsistencyOptions, field: 'ttl' | 'wait'): number {
  const value = options.cache?.lock?.[field] ?? PROFILE_OPTIONS[profile].lock?.[field] ?? LOCK_DEFAULTS[field];
  return toMs(value, `lock.${field}`, { allowZero: true });
}
