import { attributeDeliveries, effectiveEnd } from './delivery-attribution.js';
import type { CheckResult, CheckSettings } from './history-check.types.js';
import { formatHistory } from './history-format.js';
import type { HistoryRun } from './history-runner.js';
import type { OpRecord, Violation } from './history.types.js';
import { faultedLink, TIMEOUT, unsure } from './link-health.js';
import { checkStampede } from './stampede-check.js';

const READS = new Set(['getOrSet', 'get']);

/**
 * Checks one history, per key: once a write or invalidation resolved (in a
 * bus-based mode: once the bus delivered it to the reader's instance), no read
 * that starts afterwards returns an older version; concurrent cold reads run
 * one load; every resolved write-behind append is persisted; a healthy link
 * sees no Redis error. A failed expectation is a recorded violation, never a throw.
 */
export function checkHistory(run: HistoryRun, settings: CheckSettings): CheckResult {
  const result: CheckResult = {
    violations: [],
    operations: run.records.length,
    busLags: [],
    undelivered: 0,
    excused: 0,
    unjudgedLoads: 0,
    timedOut: 0,
  };
  const violation = (kind: Violation['kind'], message: string, key: string | undefined, ops: OpRecord[]): void => {
    result.violations.push({
      kind,
      mode: settings.mode,
      historySeed: run.spec.seed,
      profile: run.spec.profile,
      key,
      message,
      history: formatHistory(run, ops, settings.faultWindows),
      ops: ops.map((op) => op.spec.id).sort((a, b) => a - b),
    });
  };
  // The calls that can bear on a key: its own, those of keys sharing its tag (they keep the tag state alive),
  // tag invalidations of that tag, and clears.
  const relevant = (key: string): OpRecord[] => {
    const tag = run.spec.keys.find((k) => k.key === key)?.tag;
    const sameTag = new Set(run.spec.keys.filter((k) => k.tag === tag).map((k) => k.key));
    return run.records.filter(
      (record) =>
        record.spec.key === key ||
        record.spec.kind === 'clear' ||
        (record.spec.kind === 'invalidateTags' && record.spec.tag === tag) ||
        (record.spec.key !== undefined && sameTag.has(record.spec.key) && record.spec.kind !== 'get'),
    );
  };
  const faulted = faultedLink(run, settings);

  const mutations = run.records.filter((record) => record.wrote !== undefined);
  for (const mutation of mutations) {
    mutation.indeterminate =
      (mutation.spec.kind === 'set' || mutation.spec.kind === 'writeBehind') &&
      unsure(run.instances[mutation.spec.instance]!, run.namespace, mutation.start, mutation.end);
    if (mutation.ok) attributeDeliveries(run, mutation, settings, result);
  }

  for (const record of run.records) {
    const { spec } = record;
    if (!record.ok) {
      // A deadline met on a starved machine is the call failing loudly, as it must; what a timed-out
      // write may have left behind is judged by the reads after it (it is never a floor).
      if (TIMEOUT.test(record.error ?? '')) {
        result.timedOut++;
        continue;
      }
      if (!record.loaderError && !faulted(spec.instance, record.start, record.end)) {
        violation(
          'unexpected-error',
          `${spec.kind}#${spec.id} on instance ${spec.instance} rejected on a healthy link: ${record.error}`,
          spec.key,
          spec.key ? relevant(spec.key) : [record],
        );
      }
      continue;
    }
    if (!READS.has(spec.kind) || record.version === undefined) continue;
    const key = spec.key!;
    const actual = run.actualKey.get(key)!;
    if (record.valueKey !== actual) {
      violation(
        'wrong-key',
        `${spec.kind}#${spec.id}("${actual}") returned a value written for "${record.valueKey}"`,
        key,
        relevant(key),
      );
      continue;
    }
    let floor: OpRecord | undefined;
    for (const mutation of mutations) {
      const version = mutation.wrote![key];
      if (!mutation.ok || mutation.indeterminate || version === undefined) continue;
      if (effectiveEnd(mutation, spec.instance, settings) >= record.start) continue;
      if (!floor || version > floor.wrote![key]!) floor = mutation;
    }
    if (!floor || record.version >= floor.wrote![key]!) continue;
    const explained = mutations.some((m) => m.indeterminate && m.wrote![key] === record.version);
    if (explained) {
      result.excused++;
      continue;
    }
    const lag = floor.delivered?.[spec.instance];
    const late = run.records.find((r) => !r.ok && r.issued?.[key] === record.version);
    violation(
      'stale-read',
      `${spec.kind}#${spec.id}("${actual}") on instance ${spec.instance} started ` +
        `${(record.start - floor.end).toFixed(1)} ms after ${floor.spec.kind}#${floor.spec.id} ` +
        `(instance ${floor.spec.instance}, wrote v${floor.wrote![key]}) resolved` +
        (floor.delivered !== undefined && floor.spec.instance !== spec.instance
          ? lag === undefined
            ? ' (its bus message never arrived)'
            : ` and ${(record.start - lag).toFixed(1)} ms after the bus delivered it`
          : '') +
        `, and returned v${record.version}` +
        (late
          ? ` — the version of ${late.spec.kind}#${late.spec.id}, which rejected (${late.error}) yet landed after the newer write`
          : ''),
      key,
      relevant(key),
    );
  }

  checkStampede(run, settings, faulted, result, (message, key, ops) => violation('stampede', message, key, ops));

  for (const [key, version] of run.appended) {
    const persisted = run.persisted.get(key) ?? 0;
    if (persisted < version) {
      violation(
        'lost-write-behind',
        `write-behind v${version} of "${run.actualKey.get(key)}" was appended but never persisted (source has v${persisted})`,
        key,
        relevant(key),
      );
    }
  }

  for (const instance of run.instances) {
    if (settings.faults && instance.index === 0) continue;
    // A timeout is the deadline doing its job (the call failed open), and on a starved machine a healthy link
    // meets it too; an error reply (CROSSSLOT, MOVED, a script error) is what a healthy link must never see.
    const errors = instance.errors.filter(
      (error) => error.namespace === run.namespace && error.at >= run.origin && !TIMEOUT.test(error.message),
    );
    if (errors.length > 0) {
      violation(
        'store-error',
        `instance ${instance.index} (healthy link) saw ${errors.length} Redis error(s), first: ${errors[0]!.message}`,
        undefined,
        run.records
          .filter(
            (record) =>
              record.spec.instance === instance.index &&
              errors.some((error) => error.at >= record.start && error.at <= record.end + 1),
          )
          .slice(0, 12),
      );
    }
  }
  return result;
}
