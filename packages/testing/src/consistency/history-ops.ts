import type { Cache, GetOrSetOptions, WriteBehind } from '@cachet/core';
import type { HistorySpec, LoadRecord, OpRecord, OpSpec } from './history.types.js';
import { sleep } from '../sleep.js';
import type { VersionedSource, VersionedValue } from './versioned-source.js';

/** Thrown by a loader on purpose: the call's rejection is expected, not a cache failure. */
export class LoaderError extends Error {
  constructor(key: string) {
    super(`loader of "${key}" failed on purpose`);
    this.name = 'LoaderError';
  }
}

/** What the ops of one running history share: its source of truth, its keys as the cache sees them, its logs. */
export interface OpContext {
  spec: HistorySpec;
  runId: string;
  source: VersionedSource;
  /** Keys and tags as the cache saw them (with a run-unique suffix), by spec key. */
  actualKey: Map<string, string>;
  tagOf: Map<string, string>;
  writeBehindKeys: Set<string>;
  loads: LoadRecord[];
  /** Write-behind versions whose append resolved, per key. */
  appended: Map<string, number>;
  queue: string;
  maxTtlMs: number;
}

/**
 * Performs one op against its instance's cache, recording in `record` when it
 * ran and what it read or wrote, and calling `resolved` as soon as its cache
 * call resolved. Up to its cache call nothing awaits.
 */
export async function performOp(
  context: OpContext,
  op: OpSpec,
  record: OpRecord,
  cache: Cache,
  writeBehind: WriteBehind | undefined,
  resolved: () => void,
): Promise<void> {
  const { spec, runId, source, actualKey, tagOf, writeBehindKeys, loads, appended, queue, maxTtlMs } = context;
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
