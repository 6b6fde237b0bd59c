import type { BusSubscription, MessageBus } from '../store/store.js';

/** How often a waiter re-checks while the bus cannot wake it. */
const POLL_MS = 50;

interface Waiter {
  wake(): void;
  /** Ends the wait early without counting as woken: the bus just went down, so re-check and poll. */
  nudge(): void;
}

/**
 * Waiters of a lease, woken when the value lands. One bus subscription per
 * namespace channel; waiters register locally by key. A waiter registers
 * before it re-checks Redis, so a value that lands in between still wakes it.
 * A waiter that registered while the bus was not listening cannot count on a
 * message: it polls instead.
 */
export class WakeRegistry {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private subscription: BusSubscription | undefined;

  constructor(
    private readonly bus: MessageBus,
    private readonly channel: string,
  ) {}

  /**
   * Resolves once the first attempt to subscribe is over, confirmed or not
   * (waiters poll meanwhile), or after `maxWaitMs`, whichever comes first.
   */
  ready(maxWaitMs?: number): Promise<unknown> {
    this.subscription ??= this.bus.listen(
      this.channel,
      (key) => this.wake(key),
      (listening) => {
        if (!listening) for (const set of this.waiters.values()) for (const waiter of [...set]) waiter.nudge();
      },
    );
    const first = this.subscription.firstAttempt;
    if (maxWaitMs === undefined) return first;
    let timer: NodeJS.Timeout | undefined;
    const cap = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, maxWaitMs))));
    return Promise.race([first, cap]).finally(() => clearTimeout(timer));
  }

  /** False while a release or a landed value cannot wake waiters (they poll). */
  get listening(): boolean {
    return this.subscription?.isListening() ?? false;
  }

  /**
   * Registers a waiter for `key`. `wait(ms)` resolves true when woken, false
   * when `ms` (or, with the bus down, the polling interval) passed first;
   * `cancel()` unregisters.
   */
  register(key: string): { wait(ms: number): Promise<boolean>; cancel(): void } {
    const canBeWoken = this.listening;
    let settled: boolean | undefined;
    let notify: ((woken: boolean) => void) | undefined;
    const settle = (woken: boolean) => {
      settled ??= woken;
      notify?.(woken);
    };
    const waiter: Waiter = { wake: () => settle(true), nudge: () => settle(false) };
    let set = this.waiters.get(key);
    if (!set) this.waiters.set(key, (set = new Set()));
    set.add(waiter);
    const cancel = () => {
      set.delete(waiter);
      if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key);
    };
    return {
      cancel,
      wait: (ms) =>
        new Promise<boolean>((resolve) => {
          if (settled !== undefined) return resolve(settled);
          const timer = setTimeout(() => resolve(false), Math.max(0, canBeWoken ? ms : Math.min(ms, POLL_MS)));
          notify = (woken) => {
            clearTimeout(timer);
            resolve(woken);
          };
        }),
    };
  }

  private wake(key: string): void {
    const set = this.waiters.get(key);
    if (set) for (const waiter of [...set]) waiter.wake();
  }
}
