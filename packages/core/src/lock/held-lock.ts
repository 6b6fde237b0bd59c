import { LockLostError } from '../shared/errors.js';
import type { CacheLogger } from '../telemetry/logger.js';
import type { LockKeys, LockStore } from '../store/lock.store.js';

/**
 * A lock this process holds, kept alive by extending it every `ttl / 3`. It
 * is declared lost (its signal aborts) when an extension finds another token,
 * or when no extension succeeded for a whole TTL: after that long Redis may
 * have expired it, and a holder that cannot prove its lock must assume it has
 * none.
 */
export class HeldLock {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private confirmedAt = performance.now();
  private stopped = false;

  constructor(
    private readonly store: LockStore,
    readonly name: string,
    readonly keys: LockKeys,
    readonly token: string,
    readonly fencingToken: number,
    private readonly ttlMs: number,
    private readonly logger: CacheLogger,
  ) {
    this.schedule();
  }

  private get intervalMs(): number {
    return Math.max(1, Math.floor(this.ttlMs / 3));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get lost(): boolean {
    return this.controller.signal.aborted;
  }

  /** Stops extending; the caller releases (or lets the TTL run out). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.extend(), this.intervalMs);
    this.timer.unref?.();
  }

  private async extend(): Promise<void> {
    if (this.stopped) return;
    const sentAt = performance.now();
    try {
      if (await this.store.extend(this.keys, this.token, this.ttlMs)) {
        this.confirmedAt = sentAt;
      } else {
        return this.markLost('another holder has it (it expired while this one was unreachable or paused)');
      }
    } catch (error) {
      // Give up before the next attempt would come too late: by then Redis may have expired the lock.
      if (performance.now() + this.intervalMs - this.confirmedAt >= this.ttlMs) {
        return this.markLost(`it could not be extended for a whole TTL (${(error as Error).message})`);
      }
    }
    if (!this.stopped) this.schedule();
  }

  private markLost(reason: string): void {
    this.stop();
    this.logger.warn(`Lock "${this.name}" lost: ${reason}.`);
    this.controller.abort(new LockLostError(this.name, reason));
  }
}
