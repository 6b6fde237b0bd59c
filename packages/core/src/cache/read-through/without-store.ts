import type { Flight, FlightControl } from '../../stampede/single-flight.js';
import type { CacheFetchResult } from '../cache.types.js';
import type { LoadPlan } from './load-plan.js';
import type { ReadThroughContext } from './read-through.context.js';

/**
 * Redis is unavailable: the loader answers (fail-open), or the error
 * surfaces when failOpen is off. Only callers that started before the
 * loader share its value.
 */
export async function loadWithoutStore<T>(
  { engine, keySpace }: ReadThroughContext,
  plan: LoadPlan<T>,
  control: FlightControl,
  error?: unknown,
): Promise<Flight<CacheFetchResult<T>>> {
  if (!engine.options.failOpen && error !== undefined) throw error;
  const loaderMark = control.validating();
  const value = await (plan.trace ? plan.trace.load(plan.loader) : plan.loader());
  engine.counters.increment(keySpace.namespace, 'loads');
  return { result: { value, outcome: 'miss' }, validatedAt: loaderMark };
}
