import type { CheckResult, CheckSettings, FaultedLink } from './history-check.types.js';
import type { HistoryRun } from './history-runner.js';
import type { LoadRecord, OpRecord } from './history.types.js';

/**
 * A load that starts while another load of the same key is running — no write
 * or invalidation of the key in between, no fault or Redis error on either
 * instance, the first within its lease and the second within its wait — is one
 * the lease should have prevented.
 */
export function checkStampede(
  run: HistoryRun,
  settings: CheckSettings,
  faulted: FaultedLink,
  result: CheckResult,
  report: (message: string, key: string, ops: OpRecord[]) => void,
): void {
  const opStart = new Map(run.records.map((record) => [record.spec.id, record.start]));
  const byKey = new Map<string, LoadRecord[]>();
  for (const load of run.loads) {
    let list = byKey.get(load.key);
    if (!list) byKey.set(load.key, (list = []));
    list.push(load);
  }
  for (const [key, loads] of byKey) {
    loads.sort((a, b) => a.start - b.start);
    const touching = run.records.filter(
      (record) =>
        record.wrote !== undefined &&
        (record.spec.key === key ||
          record.spec.kind === 'clear' ||
          (record.spec.kind === 'invalidateTags' &&
            run.spec.keys.some((k) => k.key === key && k.tag === record.spec.tag))),
    );
    const extra: LoadRecord[] = [];
    for (let i = 1; i < loads.length; i++) {
      const second = loads[i]!;
      const called = opStart.get(second.op) ?? second.start;
      const first = loads.slice(0, i).find(
        (candidate) =>
          candidate.end > second.start &&
          // The lease may have been taken when the first call read, before its loader started.
          second.start - (opStart.get(candidate.op) ?? candidate.start) < settings.leaseTtlMs - 20 &&
          second.start - called < settings.leaseWaitMs - 20,
      );
      if (!first) continue;
      const from = Math.min(opStart.get(first.op) ?? first.start, called) - 50;
      if (touching.some((m) => m.start <= second.start && m.end >= from)) continue;
      if (faulted(first.instance, from, second.start + 50) || faulted(second.instance, from, second.start + 50))
        continue;
      const noisy = [first.instance, second.instance].some((index) =>
        run.instances[index]!.errors.some((error) => error.at >= from - 1_000 && error.at <= second.start + 50),
      );
      if (noisy) continue;
      if ((settings.stalls ?? []).some((stall) => stall.start <= second.start + 50 && stall.end >= from)) {
        result.unjudgedLoads++;
        continue;
      }
      extra.push(second);
    }
    if (extra.length > 0) {
      const ops = run.records.filter((record) => record.spec.key === key && record.spec.kind === 'getOrSet');
      report(
        `${extra.length} extra load(s) of "${run.actualKey.get(key)}": loads started while another load of the key ` +
          `was running, with no write or invalidation between (instances ${[...new Set(extra.map((l) => l.instance))].join(', ')})`,
        key,
        ops.concat(touching).sort((a, b) => a.start - b.start),
      );
    }
  }
}
