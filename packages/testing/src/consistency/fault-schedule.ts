import type { ClusterFaultProxy } from './cluster-fault-proxy.js';
import type { FaultProxy } from './fault-proxy.js';
import type { FaultWindow } from './history.types.js';
import { SeededRandom } from './seeded-random.js';

type Faultable = Pick<FaultProxy, 'delay' | 'stall' | 'resume' | 'dropConnections'> | ClusterFaultProxy;

/**
 * Injects faults on one link for as long as it runs: slow replies (under the
 * command timeout, so calls succeed late), stalls (past it, so calls fail) and
 * dropped connections, with quiet gaps between them. Every window is recorded.
 */
export class FaultSchedule {
  readonly windows: FaultWindow[] = [];
  private stopped = false;
  private readonly done: Promise<void>;
  private wake: (() => void) | undefined;

  constructor(
    private readonly proxy: Faultable,
    seed: number,
  ) {
    this.done = this.run(new SeededRandom(seed ^ 0x5eed));
  }

  /** True when a fault window on the link overlaps [from, to] (windows include the reconnect that follows). */
  overlaps(from: number, to: number): boolean {
    for (let i = this.windows.length - 1; i >= 0; i--) {
      const window = this.windows[i]!;
      if (window.start <= to && window.end >= from) return true;
      if (window.end < from - 10_000) break;
    }
    return false;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.done;
  }

  private async run(random: SeededRandom): Promise<void> {
    while (!this.stopped) {
      await this.sleep(random.int(150, 500));
      if (this.stopped) break;
      const kind = random.weighted({ delay: 5, stall: 3, drop: 2 });
      const start = performance.now();
      if (kind === 'delay') {
        const delayMs = random.int(20, 250);
        this.proxy.delay(delayMs);
        const window: FaultWindow = { kind, start, end: Infinity, delayMs };
        this.windows.push(window);
        await this.sleep(random.int(200, 800));
        this.proxy.delay(0);
        // Replies already held keep their delay.
        window.end = performance.now() + delayMs;
      } else if (kind === 'stall') {
        this.proxy.stall();
        const window: FaultWindow = { kind, start, end: Infinity };
        this.windows.push(window);
        await this.sleep(random.int(200, 2_000));
        this.proxy.resume();
        window.end = performance.now() + 200;
      } else {
        this.proxy.dropConnections();
        // Until the client has reconnected and resubscribed.
        this.windows.push({ kind, start, end: start + 1_000 });
      }
      if (this.windows.length > 10_000) this.windows.splice(0, 5_000);
    }
    this.proxy.delay(0);
    this.proxy.resume();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
