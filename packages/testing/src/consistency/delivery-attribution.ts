import type { CheckResult, CheckSettings } from './history-check.types.js';
import type { HistoryRun } from './history-runner.js';
import type { OpRecord } from './history.types.js';

/**
 * Whether another instance sees a mutation only once its bus message arrived: every change with L1; tag
 * invalidations and clears when versions are validated from bus-kept copies.
 */
function busBound(mutation: OpRecord, settings: CheckSettings): boolean {
  const kind = mutation.spec.kind;
  return settings.l1 || (settings.versionsFromBus && (kind === 'invalidateTags' || kind === 'clear'));
}

/** When a mutation's effect must be visible on `instance`: at once on its own, after bus delivery on others. */
export function effectiveEnd(mutation: OpRecord, instance: number, settings: CheckSettings): number {
  if (!busBound(mutation, settings) || mutation.spec.instance === instance) return mutation.end;
  const delivered = mutation.delivered?.[instance];
  if (delivered === undefined) return mutation.end + Math.max(settings.l1 ? settings.l1TtlMs : 0, copyTtl(settings));
  return Math.max(mutation.end, delivered);
}

function copyTtl(settings: CheckSettings): number {
  return settings.versionsFromBus ? settings.versionsTtlMs : 0;
}

/**
 * The bus message of a mutation is the one its instance published while the
 * mutation ran; when loads of the same key published too, the latest delivery
 * is taken, so attribution can only make the check later, never stricter.
 */
export function attributeDeliveries(
  run: HistoryRun,
  mutation: OpRecord,
  settings: CheckSettings,
  result: CheckResult,
): void {
  if (!busBound(mutation, settings)) return;
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
