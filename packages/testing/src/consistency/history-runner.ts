import type { Cache, GetOrSetOptions, WriteBehind } from '@cachet/core';
import type { CheckedInstance, ConsistencyCell } from './consistency-cell.js';
import type { HistorySpec, LoadRecord, OpRecord, OpSpec } from './history.types.js';
import { VersionedSource, type VersionedValue } from './versioned-source.js';
import { sleep } from '../sleep.js';

/** Thrown by a loader on purpose: the call's rejection is expected, not a cache failure. */
export class LoaderError extends Error {
  constructor(key: string) {
    super(`loader of "${key}" failed on purpose`);
    this.name = 'LoaderError';
  }
}

/** Everything the analysis needs about one history as it ran. */
export interface HistoryRun {
  spec: HistorySpec;
  runId: string;
  /** Keys as the cache saw them (the history's keys with a run-unique suffix), by spec key. */
  actualKey: Map<string, string>;
  namespace: string;
  instances: CheckedInstance[];
  records: OpRecord[];
  loads: LoadRecord[];
  /** Write-behind versions whose append resolved, and what the source persisted, per key. */
  appended: Map<string, number>;
  persisted: Map<string, number>;
  origin: number;
}

export interface RunContext {
  cell: ConsistencyCell;
  slot: number;
  runId: string;
  /** Registers the source that write-behind items of `runId` go to; returns an unregister. */
  register(runId: string, source: VersionedSource): () => void;
}

/**
 * Runs one history: every op at its time (or right after the op it follows),
 * concurrently, recording start, end and the version each read returned.
 */
export async function runHistory(spec: HistorySpec, context: RunContext): Promise<HistoryRun> {
  const { cell, slot, runId } = context;
  const namespace = `${cell.namespace}-${slot}`;
  const instances = cell.group(spec.profile);
  const caches = instances.map((instance) => instance.cache.withNamespace(namespace));
  const source = new VersionedSource();
  const unregister = context.register(runId, source);
  const actualKey = new Map(spec.keys.map(({ key }) => [key, `${key}@${runId}`]));
  const tagOf = new Map(spec.keys.map(({ key, tag }) => [key, `${tag}@${runId}`]));
  const writeBehindKeys = new Set(spec.keys.filter((entry) => entry.writeBehind).map(({ key }) => key));
  const records: OpRecord[] = [];
  const loads: LoadRecord[] = [];
  const appended = new Map<string, number>();
  const queue = `q${slot}`;
  const maxTtlMs = spec.profile === 'short-fence' ? 1_000 : Infinity;
  const origin = performance.now();
  const settled: Array<Promise<void>> = [];
  const followers = new Map<number, OpSpec[]>();
  for (const op of spec.ops) {
    if (op.after === undefined) continue;
    const list = followers.get(op.after) ?? [];
    list.push(op);
    followers.set(op.after, list);
  }

  // Starts `op` now: up to its cache call nothing awaits, so ops started in one tick reach the cache in that tick.
  const start = (op: OpSpec): void => {
    const record: OpRecord = { spec: op, start: performance.now(), end: 0, ok: false };
    records.push(record);
    let followed = false;
    const resolved = (): void => {
      if (followed) return;
      followed = true;
      for (const follower of followers.get(op.id) ?? []) start(follower);
    };
    let work: Promise<void>;
    try {
      work = perform(op, record, caches[op.instance]!, instances[op.instance]!.writeBehind, resolved);
    } catch (error) {
      work = Promise.reject(error);
    }
    settled.push(
      work.then(
        () => {
          record.end ||= performance.now();
          record.ok = true;
          resolved();
        },
        (error: unknown) => {
          record.end ||= performance.now();
          record.error = (error as Error)?.message ?? String(error);
          record.loaderError = error instanceof LoaderError;
          resolved();
        },
      ),
    );
  };

  const perform = async (
    op: OpSpec,
    record: OpRecord,
    cache: Cache,
    writeBehind: WriteBehind | undefined,
    resolved: () => void,
  ): Promise<void> => {
    const key = op.key === undefined ? undefined : actualKey.get(op.key)!;
    switch (op.kind) {
      case 'getOrSet': {
        const loader = async (): Promise<VersionedValue> => {
          const load: LoadRecord = {
            op: op.id,
            instance: op.instance,
            key: op.key!,
            start: performance.now(),
            end: 0,
            version: 0,
            failed: false,
          };
          loads.push(load);
          try {
            let version = source.version(op.key!);
            if (writeBehindKeys.has(op.key!) && writeBehind) {
              const pending = await writeBehind.pendingValue<VersionedValue>(queue, key!);
              version = pending?.op === 'write' ? pending.value.v : source.version(op.key!);
            }
            load.version = version;
            if (op.loaderMs) await sleep(op.loaderMs);
            if (op.loaderFails) {
              load.failed = true;
              throw new LoaderError(key!);
            }
            return { k: key!, v: version };
          } finally {
            load.end = performance.now();
          }
        };
        const value = await cache.getOrSet(key!, loader, readOptions(op, tagOf.get(op.key!)!, maxTtlMs));
        record.end = performance.now();
        note(record, value);
        resolved();
        return;
      }
      case 'get':
        note(record, await cache.get<VersionedValue>(key!));
        record.end = performance.now();
        resolved();
        return;
      case 'set':
      case 'delete':
        return source.withKeys([op.key!], async () => {
          record.start = performance.now();
          const version = source.write(op.key!);
          record.wrote = { [op.key!]: version };
          if (op.kind === 'delete') await cache.delete(key!);
          else await cache.set(key!, { k: key!, v: version }, entryOptions(op, tagOf.get(op.key!)!, maxTtlMs));
          record.end = performance.now();
          resolved();
        });
      case 'invalidateTags':
      case 'clear': {
        const touched = spec.keys
          .filter((entry) => op.kind === 'clear' || entry.tag === op.tag)
          .map((entry) => entry.key);
        return source.withKeys(touched, async () => {
          record.start = performance.now();
          record.wrote = {};
          // A write-behind key's source row is written by the flusher only; here its cache entry just goes.
          for (const touchedKey of touched) {
            if (!writeBehindKeys.has(touchedKey)) record.wrote[touchedKey] = source.write(touchedKey);
          }
          if (op.kind === 'clear') await cache.clear();
          else await cache.invalidateTags(`${op.tag}@${runId}`);
          record.end = performance.now();
          resolved();
        });
      }
      case 'writeBehind':
        if (!writeBehind) throw new Error('writeBehind op without a write-behind engine');
        return source.withKeys([op.key!], async () => {
          record.start = performance.now();
          const version = source.issue(op.key!);
          record.issued = { [op.key!]: version };
          const value = { k: key!, v: version };
          await writeBehind.append(queue, { key: key!, args: [runId, op.key!, version], value });
          appended.set(op.key!, Math.max(appended.get(op.key!) ?? 0, version));
          record.wrote = { [op.key!]: version };
          await cache.set(key!, value, entryOptions(op, tagOf.get(op.key!)!, maxTtlMs));
          record.end = performance.now();
          resolved();
        });
    }
  };

  try {
    const byTime = new Map<number, OpSpec[]>();
    for (const op of spec.ops) {
      if (op.after !== undefined) continue;
      const list = byTime.get(op.at) ?? [];
      list.push(op);
      byTime.set(op.at, list);
    }
    await Promise.all(
      [...byTime].map(([at, ops]) =>
        sleep(Math.max(0, origin + at - performance.now())).then(() => ops.forEach(start)),
      ),
    );
    // Followers are added while earlier ones settle; wait until the list stops growing.
    for (let seen = 0; seen < settled.length;) {
      const batch = settled.slice(seen);
      seen = settled.length;
      await Promise.all(batch);
    }
    if (appended.size > 0) await waitPersisted(source, appended);
    // Let the last invalidations reach the other instances, so the bus log (and its lag figure) is complete.
    if (cell.mode.l1) await sleep(50);
  } finally {
    unregister();
  }
  const persisted = new Map([...appended.keys()].map((key) => [key, source.version(key)]));
  return { spec, runId, actualKey, namespace, instances, records, loads, appended, persisted, origin };
}

function note(record: OpRecord, value: VersionedValue | undefined): void {
  if (value === undefined) return;
  record.version = typeof value?.v === 'number' ? value.v : -1;
  record.valueKey = value?.k;
}

function entryOptions(op: OpSpec, tag: string, maxTtlMs: number): { ttl: number; tags: string[] } {
  return { ttl: Math.min(op.ttlMs ?? 60_000, maxTtlMs), tags: [tag] };
}

function readOptions(op: OpSpec, tag: string, maxTtlMs: number): GetOrSetOptions<VersionedValue> {
  return {
    ...entryOptions(op, tag, maxTtlMs),
    ...(op.staleIfErrorMs ? { staleIfError: op.staleIfErrorMs } : {}),
    ...(op.staleWhileRevalidateMs ? { staleWhileRevalidate: op.staleWhileRevalidateMs } : {}),
    ...(op.earlyRefresh ? { earlyRefresh: { beta: 1 } } : {}),
  };
}

/**
 * Gives the flushers up to 30 s to persist every appended write (a flusher behind a faulty link may need
 * several visibility timeouts to be replaced); what is missing then counts as lost.
 */
async function waitPersisted(source: VersionedSource, appended: Map<string, number>): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    if ([...appended].every(([key, version]) => source.version(key) >= version)) return;
    await sleep(20);
  }
}
