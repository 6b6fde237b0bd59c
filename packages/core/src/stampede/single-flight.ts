/** What a flight produced, and whether it may be shared with callers that joined it. */
export interface Flight<T> {
  result: T;
  /**
   * True when a write, delete or invalidation of the key landed while the
   * flight was loading: callers that joined may have arrived after that change
   * resolved, so they must not receive the older value.
   */
  superseded: boolean;
}

/**
 * Concurrent callers of one key inside this process share one promise: only
 * the first goes to Redis and, on a miss, to the loader. A superseded flight
 * sends its joiners round again instead of handing them an outdated value.
 */
export class SingleFlight {
  private readonly inFlight = new Map<string, { promise: Promise<Flight<unknown>>; joiners: number }>();

  run<T>(key: string, work: () => Promise<Flight<T>>, onSuperseded: (flight: Flight<T>) => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing) {
      existing.joiners++;
      return (existing.promise as Promise<Flight<T>>).then((flight) =>
        flight.superseded ? onSuperseded(flight) : flight.result,
      );
    }
    const promise = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, { promise, joiners: 0 });
    return promise.then((flight) => flight.result);
  }

  /** True when other callers are waiting on the flight of `key`. */
  hasJoiners(key: string): boolean {
    return (this.inFlight.get(key)?.joiners ?? 0) > 0;
  }

  get size(): number {
    return this.inFlight.size;
  }
}
