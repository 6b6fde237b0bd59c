import type { HistorySpec } from './history.types.js';

/** The history cut down to `ids` and the ops they follow (transitively), keeping every op's id and schedule. */
export function onlyOps(spec: HistorySpec, ids: readonly number[]): HistorySpec {
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
