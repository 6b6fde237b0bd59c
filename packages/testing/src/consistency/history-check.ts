import type { CheckedInstance } from './consistency-cell.js';
import { formatHistory } from './history-format.js';
import type { HistoryRun } from './history-runner.js';
import type { FaultWindow, LoadRecord, OpRecord, Violation } from './history.types.js';

export interface CheckSettings {
  mode: string;
  l1: boolean;
  /** How long an L1 copy may live when its invalidation never arrives. */
  l1TtlMs: number;
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
  // The faulty link's effects outlast its fault windows while the breaker, opened by them, waits to probe.
  const faulted = (instance: number, from: number, to: number): boolean =>
    settings.faults &&
    instance === 0 &&
    (settings.faultWindows.some((w) => w.start <= to && w.end >= from) ||
      breakerNotClosed(run.instances[0]!, from, to));

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
        (settings.l1 && floor.spec.instance !== spec.instance
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

/** A set may not have reached the cache when its instance saw a Redis error or an open breaker meanwhile. */
function unsure(instance: CheckedInstance, namespace: string, from: number, to: number): boolean {
  if (instance.errors.some((error) => error.namespace === namespace && error.at >= from && error.at <= to + 1)) {
    return true;
  }
  return breakerNotClosed(instance, from, to);
}

/** True when the instance's breaker was open or half-open at any time in [from, to]. */
function breakerNotClosed(instance: CheckedInstance, from: number, to: number): boolean {
  let state = 'closed';
  for (const change of instance.breaker) {
    if (change.at > to) break;
    state = change.state;
    if (change.at >= from && state !== 'closed') return true;
  }
  return state !== 'closed';
}

/** When a mutation's effect must be visible on `instance`: at once on its own, after bus delivery on others (L1). */
function effectiveEnd(mutation: OpRecord, instance: number, settings: CheckSettings): number {
  if (!settings.l1 || mutation.spec.instance === instance) return mutation.end;
  const delivered = mutation.delivered?.[instance];
  if (delivered === undefined) return mutation.end + settings.l1TtlMs;
  return Math.max(mutation.end, delivered);
}

/**
 * The bus message of a mutation is the one its instance published while the
 * mutation ran; when loads of the same key published too, the latest delivery
 * is taken, so attribution can only make the check later, never stricter.
 */
function attributeDeliveries(run: HistoryRun, mutation: OpRecord, settings: CheckSettings, result: CheckResult): void {
  if (!settings.l1) return;
  const sender = run.instances[mutation.spec.instance]!;
  if (!sender.origin) return;
  const channel = `${run.namespace}:b`;
  // Senders stamp messages with Date.now(); map the mutation's monotonic times onto that clock. A mutation
  // publishes after its write, so nothing stamped before it started (beyond the clock's 1 ms grain) is its message.
  const skew = Date.now() - (performance.timeOrigin + performance.now());
  const fromWall = performance.timeOrigin + skew + mutation.start - 2;
  const toWall = performance.timeOrigin + skew + mutation.end + 50;
  const actual = mutation.spec.key ? run.actualKey.get(mutation.spec.key) : undefined;
  const tag = mutation.spec.tag ? `${mutation.spec.tag}@${run.runId}` : '';
  mutation.delivered = {};
  for (const receiver of run.instances) {
    if (receiver.index === mutation.spec.instance) continue;
    let latest: number | undefined;
    let earliest: number | undefined;
    for (const delivery of receiver.deliveries.get(channel) ?? []) {
      if (delivery.origin !== sender.origin || delivery.sentAt < fromWall || delivery.sentAt > toWall) continue;
      const m = delivery.message;
      const matches =
        mutation.spec.kind === 'clear'
          ? m.op === 'clear'
          : mutation.spec.kind === 'invalidateTags'
            ? m.op === 'tags' && (m.tags ?? []).includes(tag)
            : m.op === (mutation.spec.kind === 'delete' ? 'delete' : 'set') && (m.keys ?? []).includes(actual!);
      if (!matches) continue;
      if (latest === undefined || delivery.at > latest) latest = delivery.at;
      if (earliest === undefined || delivery.at < earliest) earliest = delivery.at;
    }
    if (latest === undefined || earliest === undefined) {
      // Only an instance listening on the channel can hold copies the message should have dropped.
      if (receiver.deliveries.has(channel)) result.undelivered++;
    } else {
      mutation.delivered[receiver.index] = latest;
      // The lag figure uses the first matching delivery: the latest may be a later load's message.
      result.busLags.push(Math.max(0, earliest - mutation.end));
    }
  }
}

/**
 * A load that starts while another load of the same key is running — no write
 * or invalidation of the key in between, no fault or Redis error on either
 * instance, the first within its lease and the second within its wait — is one
 * the lease should have prevented.
 */
function checkStampede(
  run: HistoryRun,
  settings: CheckSettings,
  faulted: (instance: number, from: number, to: number) => boolean,
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

const TIMEOUT = /timed out|did not answer within/i;
