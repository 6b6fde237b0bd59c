import type { FlushUnit } from './flush-plan.js';
import type { WriteBehindHandler, WriteBehindItem } from './write-behind.types.js';

export interface Decoded {
  unit: FlushUnit;
  item: WriteBehindItem;
}

export interface RunHooks {
  /** Makes one handler call (counting it, refusing once the lease is lost). */
  call(run: () => Promise<void>, items: Decoded[]): Promise<void>;
  /** Records a failed unit (retry later or dead-letter). */
  fail(unit: FlushUnit, error: unknown): Promise<void>;
}

/**
 * Hands decoded units to the handler and returns those it persisted. A batch
 * handler gets them all at once; when that throws, one item per call, in
 * order, skipping keys that already failed. An item handler runs keys in
 * parallel and each key's entries in order, stopping a key at its first
 * failure (later entries of that key wait behind it).
 */
export async function runHandler(
  handler: WriteBehindHandler,
  decoded: Decoded[],
  hooks: RunHooks,
): Promise<FlushUnit[]> {
  const succeeded: FlushUnit[] = [];
  if ('handleBatch' in handler) {
    try {
      await hooks.call(() => handler.handleBatch(decoded.map((d) => d.item)), decoded);
      succeeded.push(...decoded.map((d) => d.unit));
    } catch (batchError) {
      if (decoded.length === 1) await hooks.fail(decoded[0]!.unit, batchError);
      else {
        // Isolate the bad item(s): one item per call, in order, skipping keys that already failed.
        const failedKeys = new Set<string>();
        for (const d of decoded) {
          if (failedKeys.has(d.item.key)) continue;
          try {
            await hooks.call(() => handler.handleBatch([d.item]), [d]);
            succeeded.push(d.unit);
          } catch (error) {
            failedKeys.add(d.item.key);
            await hooks.fail(d.unit, error);
          }
        }
      }
    }
  } else {
    const byKey = new Map<string, typeof decoded>();
    for (const d of decoded) {
      const list = byKey.get(d.item.key);
      if (list) list.push(d);
      else byKey.set(d.item.key, [d]);
    }
    await Promise.all(
      [...byKey.values()].map(async (list) => {
        for (const d of list) {
          try {
            await hooks.call(() => handler.handle(d.item), [d]);
            succeeded.push(d.unit);
          } catch (error) {
            await hooks.fail(d.unit, error);
            return; // later entries of this key wait behind the failed one
          }
        }
      }),
    );
  }
  return succeeded;
}
