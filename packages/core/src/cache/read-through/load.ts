import type { Flight, FlightControl } from '../../stampede/single-flight.js';
import type { CacheFetchResult } from '../cache.types.js';
import type { ReadOutcome } from '../read-outcome.js';
import { LoadClaim } from './load-claim.js';
import { fenceHoldMs, type LoadPlan } from './load-plan.js';
import type { ReadThroughContext } from './read-through.context.js';
import { staleIfError } from './stale-if-error.js';

/**
 * Runs the loader and writes its value, conditionally on the fence the load
 * claimed before it started. Callers that joined before the loader started
 * share its value; later joiners only once a read sent after the write
 * shows that nothing moved since the claim.
 */
export async function loadAndWrite<T>(
  context: ReadThroughContext,
  plan: LoadPlan<T>,
  before: ReadOutcome,
  leaseToken: string | undefined,
  control: FlightControl,
  vouched: number,
): Promise<Flight<CacheFetchResult<T>>> {
  const { engine, writer } = context;
  const namespace = context.keySpace.namespace;
  // Callers that join from here on get a value loaded after they started, or one confirmed after the write.
  control.reopen();
  const holdMs = fenceHoldMs(plan);
  const lease = leaseToken ? { token: leaseToken, ttlMs: plan.leaseTtlMs } : undefined;
  const claim = await LoadClaim.begin(engine, writer, before.keys, plan.tags, holdMs, lease);
  claim.hold(leaseToken, plan.leaseTtlMs, holdMs);
  const loaderMark = control.mark();
  const started = performance.now();
  let value: T;
  try {
    value = await (plan.trace ? plan.trace.load(plan.loader) : plan.loader());
    engine.counters.increment(namespace, 'loads', 1, { key: plan.key, durationMs: performance.now() - started });
  } catch (error) {
    claim.release();
    engine.counters.increment(namespace, 'loadErrors', 1, {
      key: plan.key,
      durationMs: performance.now() - started,
      error,
    });
    if (leaseToken) void writer.releaseLease(before.keys, leaseToken).catch(() => undefined);
    return { result: staleIfError(context, plan, before, error), validatedAt: vouched };
  }
  claim.release();
  const result: CacheFetchResult<T> = { value, outcome: 'miss' };
  const shared: Flight<CacheFetchResult<T>> = { result, validatedAt: loaderMark };
  try {
    const recordable = await claim.recordable();
    if (!recordable) {
      if (leaseToken) void writer.releaseLease(before.keys, leaseToken).catch(() => undefined);
      return shared;
    }
    const { fence, versions } = recordable;
    const deltaMs = performance.now() - started;
    const write = await writer.writeLoaded(
      plan.key,
      value,
      plan.options,
      plan.tags,
      versions,
      before,
      fence,
      leaseToken,
      deltaMs,
    );
    if (write === 'superseded') return shared;
    if (write === 'written') engine.changed(namespace, { op: 'set', keys: [plan.key] });
    // Callers that joined while the loader ran may have started after a change that landed meanwhile.
    if (control.joinedSince(loaderMark)) {
      const confirmed = control.validating();
      if (await writer.unchangedSince(before.keys, fence, versions, plan.tags)) {
        return { result, validatedAt: confirmed };
      }
    }
  } catch (error) {
    engine.warnOnce(
      `write:${namespace}`,
      `cache "${namespace}": could not store "${plan.key}": ${(error as Error).message}`,
    );
  }
  return shared;
}
