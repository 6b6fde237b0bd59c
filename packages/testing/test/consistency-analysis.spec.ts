import { checkHistory } from '../src/consistency/history-check.js';
import type { CheckSettings } from '../src/consistency/history-check.types.js';
import type { CheckedInstance } from '../src/consistency/checked-instance.js';
import type { HistoryRun } from '../src/consistency/history-runner.js';
import type { LoadRecord, OpRecord, OpSpec } from '../src/consistency/history.types.js';

// The analysis on hand-made histories: each expectation the checker holds a cache to must be able to fail.

const settings: CheckSettings = {
  mode: 'standalone l1=off faults=off',
  l1: false,
  l1TtlMs: 2_000,
  versionsFromBus: false,
  versionsTtlMs: 2_000,
  leaseTtlMs: 10_000,
  leaseWaitMs: 5_000,
  faults: false,
  faultWindows: [],
};

function instance(index: number): CheckedInstance {
  return { index, profile: 'default', deliveries: new Map(), errors: [], breaker: [] } as unknown as CheckedInstance;
}

function op(spec: Partial<OpSpec> & Pick<OpSpec, 'id' | 'kind'>, record: Partial<OpRecord>): OpRecord {
  return { spec: { instance: 0, at: 0, key: 'k', ...spec }, start: 0, end: 0, ok: true, ...record };
}

function history(records: OpRecord[], loads: LoadRecord[] = []): HistoryRun {
  return {
    spec: {
      seed: 1,
      profile: 'default',
      keys: [{ key: 'k', tag: 't', writeBehind: false }],
      ops: records.map((r) => r.spec),
    },
    runId: 'r',
    actualKey: new Map([['k', 'k@r']]),
    namespace: 'ns',
    instances: [instance(0), instance(1)],
    records,
    loads,
    appended: new Map(),
    persisted: new Map(),
    origin: 0,
  };
}

describe('checkHistory', () => {
  it('reports a read that starts after a delete resolved and returns the version before it', () => {
    const run = history([
      op({ id: 0, kind: 'delete' }, { start: 10, end: 12, wrote: { k: 2 } }),
      op({ id: 1, kind: 'getOrSet', instance: 1 }, { start: 13, end: 14, version: 1, valueKey: 'k@r' }),
    ]);
    const { violations } = checkHistory(run, settings);
    expect(violations.map((v) => v.kind)).toEqual(['stale-read']);
    expect(violations[0]!.history.join('\n')).toContain('delete("k")');
  });

  it('accepts an older version from a read that was in flight when the delete resolved', () => {
    const run = history([
      op({ id: 0, kind: 'delete' }, { start: 10, end: 12, wrote: { k: 2 } }),
      op({ id: 1, kind: 'getOrSet' }, { start: 11, end: 14, version: 1, valueKey: 'k@r' }),
    ]);
    expect(checkHistory(run, settings).violations).toEqual([]);
  });

  it('with L1, holds another instance to the write only once the bus delivered it there', () => {
    const records = [
      op({ id: 0, kind: 'set' }, { start: 10, end: 12, wrote: { k: 2 }, delivered: { 1: 20 } }),
      op({ id: 1, kind: 'get', instance: 1 }, { start: 15, end: 16, version: 1, valueKey: 'k@r' }),
      op({ id: 2, kind: 'get', instance: 1 }, { start: 21, end: 22, version: 1, valueKey: 'k@r' }),
    ];
    const run = history(records);
    // No bus log here (the sender never published): the delivery time given stands.
    const l1 = { ...settings, l1: true, mode: 'standalone l1=on faults=off' };
    run.instances[0]!.origin = undefined;
    const { violations } = checkHistory(run, l1);
    expect(violations.map((v) => `${v.kind} ${v.message.split(' ')[0]}`)).toEqual(['stale-read get#2("k@r")']);
  });

  it('with versions from the bus, holds another instance to a tag invalidation once delivered, to a delete at once', () => {
    const records = [
      op(
        { id: 0, kind: 'invalidateTags', key: undefined, tag: 't' },
        { start: 10, end: 12, wrote: { k: 2 }, delivered: { 1: 20 } },
      ),
      op({ id: 1, kind: 'get', instance: 1 }, { start: 15, end: 16, version: 1, valueKey: 'k@r' }),
      op({ id: 2, kind: 'get', instance: 1 }, { start: 21, end: 22, version: 1, valueKey: 'k@r' }),
      op({ id: 3, kind: 'delete' }, { start: 30, end: 32, wrote: { k: 3 } }),
      op({ id: 4, kind: 'get', instance: 1 }, { start: 33, end: 34, version: 2, valueKey: 'k@r' }),
    ];
    const run = history(records);
    run.instances[0]!.origin = undefined;
    const bus = { ...settings, versionsFromBus: true, mode: 'cluster l1=off faults=off versions=bus' };
    const { violations } = checkHistory(run, bus);
    expect(violations.map((v) => `${v.kind} ${v.message.split(' ')[0]}`)).toEqual([
      'stale-read get#2("k@r")',
      'stale-read get#4("k@r")',
    ]);
  });

  it('reports a value served under the wrong key', () => {
    const run = history([op({ id: 0, kind: 'get' }, { start: 1, end: 2, version: 0, valueKey: 'other@r' })]);
    expect(checkHistory(run, settings).violations.map((v) => v.kind)).toEqual(['wrong-key']);
  });

  it('counts a second load that starts while the first is running as a stampede, and not one after it', () => {
    const loads: LoadRecord[] = [
      { op: 0, instance: 0, key: 'k', start: 10, end: 50, version: 0, failed: false },
      { op: 1, instance: 1, key: 'k', start: 12, end: 52, version: 0, failed: false },
      { op: 2, instance: 1, key: 'k', start: 60, end: 70, version: 0, failed: false },
    ];
    const records = [0, 1, 2].map((id) =>
      op(
        { id, kind: 'getOrSet', instance: id === 0 ? 0 : 1 },
        { start: loads[id]!.start - 1, end: loads[id]!.end + 1, version: 0, valueKey: 'k@r' },
      ),
    );
    const { violations } = checkHistory(history(records, loads), settings);
    expect(violations.map((v) => v.kind)).toEqual(['stampede']);
    expect(violations[0]!.message).toMatch(/^1 extra load/);
  });

  it('reports a write-behind write that was appended and never persisted', () => {
    const run = history([op({ id: 0, kind: 'writeBehind' }, { start: 1, end: 2, wrote: { k: 3 } })]);
    run.appended.set('k', 3);
    run.persisted.set('k', 2);
    expect(checkHistory(run, settings).violations.map((v) => v.kind)).toEqual(['lost-write-behind']);
  });

  it('does not count a timeout on a healthy link as a store error (the call failed open within its deadline)', () => {
    const run = history([op({ id: 0, kind: 'getOrSet' }, { start: 1, end: 2 })]);
    run.instances[1]!.errors.push({
      at: 1.5,
      namespace: 'ns',
      message: 'Command timed out: Redis Cluster did not answer within 1500 ms',
    });
    expect(checkHistory(run, settings).violations.map((v) => v.kind)).toEqual([]);
  });

  it('reports a Redis error on a healthy link, and a call that rejected there', () => {
    const run = history([
      op({ id: 0, kind: 'delete' }, { start: 1, end: 2, ok: false, error: 'CROSSSLOT Keys in request' }),
    ]);
    run.instances[1]!.errors.push({ at: 1.5, namespace: 'ns', message: 'CROSSSLOT Keys in request' });
    expect(
      checkHistory(run, settings)
        .violations.map((v) => v.kind)
        .sort(),
    ).toEqual(['store-error', 'unexpected-error']);
  });
});
