import type { CheckedInstance } from './checked-instance.js';
import type { ConsistencyCell } from './consistency-cell.js';
import { LoaderError, performOp, type OpContext } from './history-ops.js';
import type { HistorySpec, LoadRecord, OpRecord, OpSpec } from './history.types.js';
import { sleep } from '../sleep.js';
import { VersionedSource } from './versioned-source.js';

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

  const opContext: OpContext = {
    spec,
    runId,
    source,
    actualKey,
    tagOf,
    writeBehindKeys,
    loads,
    appended,
    queue,
    maxTtlMs,
  };

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
      work = performOp(opContext, op, record, caches[op.instance]!, instances[op.instance]!.writeBehind, resolved);
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
    if (cell.mode.l1 || cell.mode.versions === 'bus') await sleep(50);
  } finally {
    unregister();
  }
  const persisted = new Map([...appended.keys()].map((key) => [key, source.version(key)]));
  return { spec, runId, actualKey, namespace, instances, records, loads, appended, persisted, origin };
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
