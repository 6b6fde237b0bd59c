import type { HistoryRun } from './history-runner.js';
import type { FaultWindow, OpRecord } from './history.types.js';

/**
 * The lines of a replayable history: each op with its instance, start and end
 * (ms from the history's start), arguments and outcome, plus the fault windows
 * that overlapped them.
 */
export function formatHistory(run: HistoryRun, ops: readonly OpRecord[], faults: readonly FaultWindow[]): string[] {
  const t = (time: number): string => `+${(time - run.origin).toFixed(1)}`;
  const lines = [...ops]
    .sort((a, b) => a.start - b.start)
    .map((record) => {
      const { spec } = record;
      const target = spec.kind === 'clear' ? '' : spec.kind === 'invalidateTags' ? `"${spec.tag}"` : `"${spec.key}"`;
      const details = [
        spec.loaderMs !== undefined ? `loader ${spec.loaderMs}ms${spec.loaderFails ? ' throws' : ''}` : '',
        spec.ttlMs !== undefined ? `ttl ${spec.ttlMs}ms` : '',
        spec.staleIfErrorMs ? `staleIfError ${spec.staleIfErrorMs}ms` : '',
        spec.staleWhileRevalidateMs ? `staleWhileRevalidate ${spec.staleWhileRevalidateMs}ms` : '',
        spec.earlyRefresh ? 'earlyRefresh' : '',
        spec.after !== undefined ? `after #${spec.after}` : '',
      ].filter(Boolean);
      const outcome = !record.ok
        ? `rejected: ${record.error}`
        : record.wrote
          ? `wrote ${Object.entries(record.wrote)
              .map(([key, version]) => `${key}=v${version}`)
              .join(' ')}${record.indeterminate ? ' (cache write unsure: Redis failed meanwhile)' : ''}`
          : record.version === undefined
            ? spec.kind === 'get'
              ? 'miss'
              : 'ok'
            : `v${record.version}`;
      const loads = run.loads
        .filter((load) => load.op === spec.id)
        .map((load) => ` [loaded v${load.version} ${t(load.start)}..${t(load.end)}${load.failed ? ' threw' : ''}]`)
        .join('');
      return `#${spec.id} ${t(record.start)}..${t(record.end)} i${spec.instance} ${spec.kind}(${target})${details.length ? ` {${details.join(', ')}}` : ''} → ${outcome}${loads}`;
    });
  if (ops.length === 0) return lines;
  const from = Math.min(...ops.map((op) => op.start));
  const to = Math.max(...ops.map((op) => op.end));
  for (const window of faults) {
    if (window.start > to || window.end < from) continue;
    const end = Number.isFinite(window.end) ? t(window.end) : 'open';
    lines.push(`fault on i0: ${window.kind}${window.delayMs ? ` ${window.delayMs}ms` : ''} ${t(window.start)}..${end}`);
  }
  return lines;
}
