import type { CheckedInstance } from './checked-instance.js';
import type { CheckSettings, FaultedLink } from './history-check.types.js';
import type { HistoryRun } from './history-runner.js';

/**
 * A call that hit its deadline, or was skipped by a breaker that deadlines opened (only unavailability opens
 * one, never an error reply): on a starved machine a healthy link meets both, and the call failed loudly.
 */
export const TIMEOUT = /timed out|did not answer within|Circuit breaker open/i;

/** The faulty link's effects outlast its fault windows while the breaker, opened by them, waits to probe. */
export function faultedLink(run: HistoryRun, settings: CheckSettings): FaultedLink {
  return (instance, from, to) =>
    settings.faults &&
    instance === 0 &&
    (settings.faultWindows.some((w) => w.start <= to && w.end >= from) ||
      breakerNotClosed(run.instances[0]!, from, to));
}

/** A set may not have reached the cache when its instance saw a Redis error or an open breaker meanwhile. */
export function unsure(instance: CheckedInstance, namespace: string, from: number, to: number): boolean {
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
