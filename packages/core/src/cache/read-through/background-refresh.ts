import { SHARED, soloFlight, type Flight } from '../../stampede/single-flight.js';
import { shouldRefreshEarly } from '../../stampede/xfetch.js';
import type { ReadOutcome } from '../read-outcome.js';
import { loadAndWrite } from './load.js';
import type { LoadPlan } from './load-plan.js';
import type { ReadThroughContext } from './read-through.context.js';

/** Early refresh (XFetch): a fresh hit may start a background refresh shortly before the entry expires. */
export function maybeRefreshEarly<T>(context: ReadThroughContext, plan: LoadPlan<T>, outcome: ReadOutcome): void {
  const early = plan.options.earlyRefresh;
  const entry = outcome.entry!;
  if (!early || !shouldRefreshEarly(outcome.read.now, entry.logicalExpireAt, entry.deltaMs, early.beta ?? 1)) return;
  context.engine.counters.increment(context.keySpace.namespace, 'earlyRefreshes', 1, { key: plan.key });
  refreshInBackground(context, plan, outcome, undefined);
}

/** One background refresh per key and process, under the lease (taken here unless already held). */
export function refreshInBackground<T>(
  context: ReadThroughContext,
  plan: LoadPlan<T>,
  outcome: ReadOutcome,
  heldToken: string | undefined,
): void {
  const { engine } = context;
  const namespace = context.keySpace.namespace;
  const refresh = async (): Promise<Flight<void>> => {
    let token = heldToken;
    if (!token && plan.options.lock !== false) {
      token = engine.leaseToken();
      const state = await engine.guard(
        namespace,
        () => engine.store.entries.acquireLease(outcome.keys.lease, token!, plan.leaseTtlMs),
        outcome.keys.lease,
      );
      if (state !== 0) return { result: undefined, validatedAt: SHARED }; // another instance is refreshing it
    }
    const solo = soloFlight();
    await loadAndWrite(context, plan, outcome, token, solo, solo.mark());
    return { result: undefined, validatedAt: SHARED };
  };
  void engine.singleFlight
    .run(`${namespace}\0refresh\0${plan.key}`, refresh, async () => undefined)
    .catch((error) =>
      engine.warnOnce(
        `refresh:${namespace}`,
        `cache "${namespace}": background refresh of "${plan.key}" failed: ${(error as Error).message}`,
      ),
    );
}
