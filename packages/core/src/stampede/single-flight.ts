/** What a flight produced, and which of the callers that joined it may receive it. */
export interface Flight<T> {
  result: T;
  /**
   * The mark of the Redis read that vouches for `result` (see
   * `FlightControl.validating`). A caller that joined before that mark
   * receives the result; one that joined after it goes round again, since
   * whatever resolved before it started may have landed after that read.
   */
  validatedAt: number;
}

/** How a flight tells single-flight which callers may still join it and share its result. */
export interface FlightControl {
  /**
   * Call right before sending a read whose answer the flight may serve.
   * Returns the mark to put in `Flight.validatedAt`. From here on the flight
   * takes no joiners: a caller that starts now needs a read sent after it
   * started, so it begins a flight of its own.
   */
  validating(): number;
  /** A mark that leaves the flight open: taken when the loader starts (callers before it get a newer value). */
  mark(): number;
  /** The flight loads or waits, and will be vouched for by a later read: callers may join it again. */
  reopen(): void;
  /** True when a caller joined after `mark`. */
  joinedSince(mark: number): boolean;
}

interface Entry {
  promise: Promise<Flight<unknown>>;
  joinable: boolean;
  lastJoin: number;
}

/** A result every caller may share: not vouched for by a read (no consistency claim to keep). */
export const SHARED = Number.POSITIVE_INFINITY;

/**
 * Concurrent callers of one key inside this process share one flight: only
 * the first goes to Redis and, on a miss, to the loader. Sharing never hands
 * a caller an answer older than its own start: a caller joins only a flight
 * whose vouching read is still to be sent (callers of the same tick, or a
 * load that confirms its result once it is written), and otherwise starts
 * its own flight, which costs it one round trip, as a hit always does.
 */
export class SingleFlight {
  private readonly inFlight = new Map<string, Entry>();
  /** Orders joins and vouching reads; one counter for the whole process. */
  private sequence = 0;

  /**
   * Runs `work` for `key`, or joins the flight running it. A joiner whose
   * flight was vouched for before it joined calls `retry` instead.
   */
  run<T>(key: string, work: (control: FlightControl) => Promise<Flight<T>>, retry: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing?.joinable) {
      const joined = ++this.sequence;
      existing.lastJoin = joined;
      return (existing.promise as Promise<Flight<T>>).then((flight) =>
        joined < flight.validatedAt ? flight.result : retry(),
      );
    }
    const entry: Entry = { promise: undefined!, joinable: true, lastJoin: 0 };
    const control: FlightControl = {
      validating: () => {
        entry.joinable = false;
        return ++this.sequence;
      },
      mark: () => ++this.sequence,
      reopen: () => {
        entry.joinable = true;
      },
      joinedSince: (mark) => entry.lastJoin > mark,
    };
    // Started a microtask later, so callers of the same tick join before the first read is sent.
    const promise = Promise.resolve()
      .then(() => work(control))
      .finally(() => {
        if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
      });
    entry.promise = promise;
    this.inFlight.set(key, entry);
    return promise.then((flight) => flight.result);
  }

  get size(): number {
    return this.inFlight.size;
  }
}

/** Control of a flight nobody can join (a caller running on its own). */
export function soloFlight(): FlightControl {
  let sequence = 0;
  return { validating: () => ++sequence, mark: () => ++sequence, reopen: () => undefined, joinedSince: () => false };
}
