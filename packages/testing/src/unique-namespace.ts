let counter = 0;

/**
 * A namespace no other test in the run uses, even across the worker processes of one run and runs that
 * share a Redis: the process id, the start time and a counter. Letters, digits and `x` only, so it is a
 * valid Cachet namespace and can prefix one (`${uniqueNamespace('orders')}:eu`).
 */
export function uniqueNamespace(prefix = 't'): string {
  return `${prefix}${process.pid}x${Date.now().toString(36)}x${(counter++).toString(36)}`;
}
