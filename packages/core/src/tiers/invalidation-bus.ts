import { randomUUID } from 'node:crypto';
import { invalidationChannel } from '../store/key-space.js';
import type { BusSubscription, MessageBus } from '../store/store.js';
import type { CacheLogger } from '../telemetry/logger.js';

/** What changed; never a value. */
export type BusMessage = { op: 'set' | 'delete'; keys: string[] } | { op: 'tags'; tags: string[] } | { op: 'clear' };

/** What keeps in-process copies the bus makes safe: L1 values, tag and generation versions. */
export interface BusReceiver {
  /** A change made by another instance (or by this one, applied before its call resolves). */
  apply(namespace: string, message: BusMessage): void;
  /** Messages of `namespace` can be missed from now on; without one, messages of every namespace may have been. */
  forget(namespace?: string): void;
}

interface WireMessage {
  /** Sender instance, to ignore our own echoes. */
  o: string;
  /** Sender's clock at publish time, for the lag statistic. */
  s: number;
  m: BusMessage;
}

/**
 * Keeps every instance's in-process copies coherent (L1 values, and tag and
 * generation versions when they come from the bus): after a Redis write
 * succeeds, the writer publishes which keys, tags or namespace changed;
 * receivers drop their copies. Failed publishes are retried; while the
 * subscription is down the receivers hold nothing of the namespace and take no
 * fills, and a resubscription (after a reconnect, when messages may have been
 * missed) clears them.
 */
export class InvalidationBus {
  readonly origin = randomUUID();
  private readonly subscriptions = new Map<string, BusSubscription>();
  private readonly retry: Array<{ namespace: string; payload: string }> = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private lagTotalMs = 0;
  private received = 0;
  lastLagMs = 0;

  constructor(
    private readonly bus: MessageBus,
    private readonly receivers: readonly BusReceiver[],
    private readonly logger: CacheLogger,
  ) {
    bus.onResubscribe?.(() => {
      for (const receiver of this.receivers) receiver.forget();
      this.logger.warn('in-process copies dropped: the invalidation bus reconnected and may have missed messages');
    });
  }

  /**
   * Starts listening to `namespace`'s channel (once; the bus keeps the
   * subscription through failures and reconnects). Resolves once the first
   * attempt is over, confirmed or not: `isListening` says which.
   */
  listen(namespace: string): Promise<unknown> {
    let subscription = this.subscriptions.get(namespace);
    if (!subscription) {
      subscription = this.bus.listen(
        invalidationChannel(namespace),
        (raw) => this.receive(namespace, raw),
        (listening) => {
          // Invalidations published from now on cannot reach us: what the receivers hold may go stale unseen.
          if (!listening) for (const receiver of this.receivers) receiver.forget(namespace);
        },
      );
      this.subscriptions.set(namespace, subscription);
    }
    return subscription.firstAttempt;
  }

  /**
   * True while the subscription is confirmed on the live connection. Filling a
   * copy at any other time could keep a copy whose invalidation we never hear.
   */
  isListening(namespace: string): boolean {
    return this.subscriptions.get(namespace)?.isListening() ?? false;
  }

  publish(namespace: string, message: BusMessage): void {
    const payload = JSON.stringify({ o: this.origin, s: Date.now(), m: message } satisfies WireMessage);
    this.bus.publish(invalidationChannel(namespace), payload).catch(() => this.queueRetry(namespace, payload));
  }

  /** Average delivery lag (sender clock to receiver clock; meaningful when clocks are synced). */
  get averageLagMs(): number {
    return this.received === 0 ? 0 : this.lagTotalMs / this.received;
  }

  close(): void {
    clearTimeout(this.retryTimer);
    for (const subscription of this.subscriptions.values()) subscription.close();
    this.subscriptions.clear();
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
    for (const receiver of this.receivers) receiver.apply(namespace, wire.m);
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
        await this.bus.publish(invalidationChannel(item.namespace), item.payload);
      } catch {
        for (const rest of pending.slice(index)) this.queueRetry(rest.namespace, rest.payload);
        return;
      }
    }
  }
}
