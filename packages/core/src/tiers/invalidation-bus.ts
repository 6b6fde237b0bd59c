import { randomUUID } from 'node:crypto';
import type { MessageBus } from '../store/store.js';
import type { CacheLogger } from '../telemetry/logger.js';
import type { L1Tier } from './l1-tier.js';

/** What changed; never a value. */
export type BusMessage = { op: 'set' | 'delete'; keys: string[] } | { op: 'tags'; tags: string[] } | { op: 'clear' };

interface WireMessage {
  /** Sender instance, to ignore our own echoes. */
  o: string;
  /** Sender's clock at publish time, for the lag statistic. */
  s: number;
  m: BusMessage;
}

/**
 * Keeps every instance's L1 coherent: after a Redis write succeeds, the
 * writer publishes which keys, tags or namespace changed; receivers drop their
 * copies. Failed publishes are retried; a resubscription (after a reconnect,
 * when messages may have been missed) clears L1.
 */
export class InvalidationBus {
  readonly origin = randomUUID();
  private readonly subscriptions = new Map<string, Promise<unknown>>();
  private readonly confirmed = new Set<string>();
  private readonly retry: Array<{ namespace: string; payload: string }> = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private lagTotalMs = 0;
  private received = 0;
  lastLagMs = 0;

  constructor(
    private readonly bus: MessageBus,
    private readonly l1: L1Tier,
    private readonly logger: CacheLogger,
  ) {
    bus.onResubscribe?.(() => {
      this.l1.clear();
      this.logger.warn('L1 cleared: the invalidation bus reconnected and may have missed messages');
    });
  }

  /** Resolves once this instance listens to `namespace`'s channel; call before filling L1 for it. */
  listen(namespace: string): Promise<unknown> {
    let subscription = this.subscriptions.get(namespace);
    if (!subscription) {
      subscription = this.bus.subscribe(channel(namespace), (raw) => this.receive(namespace, raw));
      subscription.then(
        () => this.confirmed.add(namespace),
        () => this.subscriptions.delete(namespace),
      );
      this.subscriptions.set(namespace, subscription);
    }
    return subscription;
  }

  /**
   * True once Redis has confirmed the subscription. Filling L1 any earlier could
   * keep a copy whose invalidation was published before we were listening.
   */
  isListening(namespace: string): boolean {
    return this.confirmed.has(namespace);
  }

  publish(namespace: string, message: BusMessage): void {
    const payload = JSON.stringify({ o: this.origin, s: Date.now(), m: message } satisfies WireMessage);
    this.bus.publish(channel(namespace), payload).catch(() => this.queueRetry(namespace, payload));
  }

  /** Average delivery lag (sender clock to receiver clock; meaningful when clocks are synced). */
  get averageLagMs(): number {
    return this.received === 0 ? 0 : this.lagTotalMs / this.received;
  }

  close(): void {
    clearTimeout(this.retryTimer);
  }

  private receive(namespace: string, raw: string): void {
    let wire: WireMessage;
    try {
      wire = JSON.parse(raw) as WireMessage;
    } catch {
      return;
    }
    if (wire.o === this.origin) return;
    this.lastLagMs = Math.max(0, Date.now() - wire.s);
    this.lagTotalMs += this.lastLagMs;
    this.received++;
    const message = wire.m;
    if (message.op === 'clear') this.l1.dropNamespace(namespace);
    else if (message.op === 'tags') this.l1.dropTags(namespace, message.tags);
    else this.l1.drop(namespace, message.keys);
  }

  private queueRetry(namespace: string, payload: string): void {
    if (this.retry.length >= 10_000) this.retry.shift();
    this.retry.push({ namespace, payload });
    this.retryTimer ??= setTimeout(() => void this.flushRetries(), 1_000).unref();
  }

  private async flushRetries(): Promise<void> {
    this.retryTimer = undefined;
    const pending = this.retry.splice(0);
    for (const [index, item] of pending.entries()) {
      try {
        await this.bus.publish(channel(item.namespace), item.payload);
      } catch {
        for (const rest of pending.slice(index)) this.queueRetry(rest.namespace, rest.payload);
        return;
      }
    }
  }
}

function channel(namespace: string): string {
  return `${namespace}:b`;
}
