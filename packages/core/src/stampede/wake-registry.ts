import type { MessageBus } from '../store/store.js';

/**
 * Waiters of a lease, woken when the value lands. One bus subscription per
 * namespace channel; waiters register locally by key. A waiter registers
 * before it re-checks Redis, so a value that lands in between still wakes it.
 */
export class WakeRegistry {
  private readonly waiters = new Map<string, Set<() => void>>();
  private subscribed: Promise<unknown> | undefined;

  constructor(
    private readonly bus: MessageBus,
    private readonly channel: string,
  ) {}

  /** Resolves once the channel subscription is confirmed (done once, then cached). */
  ready(): Promise<unknown> {
    this.subscribed ??= this.bus
      .subscribe(this.channel, (key) => this.wake(key))
      .catch((error) => {
        this.subscribed = undefined;
        throw error;
      });
    return this.subscribed;
  }

  /**
   * Registers a waiter for `key`. `wait(ms)` resolves true when woken, false
   * when `ms` passed first; `cancel()` unregisters.
   */
  register(key: string): { wait(ms: number): Promise<boolean>; cancel(): void } {
    let woken = false;
    let notify: (() => void) | undefined;
    const waiter = () => {
      woken = true;
      notify?.();
    };
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
          if (woken) return resolve(true);
          const timer = setTimeout(() => resolve(false), Math.max(0, ms));
          notify = () => {
            clearTimeout(timer);
            resolve(true);
          };
        }),
    };
  }

  private wake(key: string): void {
    const set = this.waiters.get(key);
    if (set) for (const waiter of [...set]) waiter();
  }
}
