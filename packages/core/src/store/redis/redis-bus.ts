import { consoleLogger, type CacheLogger } from '../../telemetry/logger.js';
import type { RedisClient, RedisConnection } from './redis-connection.js';
import type { BusSubscription, MessageBus, MessageHandler } from '../message-bus.js';

export interface RedisBusOptions {
  /** Hears one line per change of the bus's state (down, listening again), never one per attempt. */
  logger?: CacheLogger;
  /**
   * Longest one SUBSCRIBE attempt may take before it counts as failed (the
   * connection's command timeout); never under 2 s, since the first attempt
   * also opens the subscriber connection.
   */
  attemptTimeoutMs?: number;
}

const MIN_ATTEMPT_MS = 2_000;
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2_000;

interface Listener {
  handler: MessageHandler;
  onChange?: (listening: boolean) => void;
  listening: boolean;
  settleFirst?: (confirmed: boolean) => void;
}

/**
 * Pub/sub over the connection's one shared subscriber. Each channel is
 * subscribed once per process however many local handlers listen. The bus
 * owns its subscriptions: a refused or timed-out SUBSCRIBE is retried with
 * backoff for as long as a handler wants the channel, and after a lost
 * connection every channel is subscribed again; a channel counts as listening
 * only once Redis confirmed it on the live connection, so a caller that
 * checks `isListening()` and then re-reads cannot miss a message published in
 * between.
 */
export class RedisBus implements MessageBus {
  private readonly channels = new Map<string, Set<Listener>>();
  /** Channels Redis confirmed on the current connection. */
  private readonly confirmed = new Set<string>();
  private readonly resubscribeHandlers: Array<() => void> = [];
  private readonly logger: CacheLogger;
  private readonly attemptTimeoutMs: number;
  private subscriber: RedisClient | undefined;
  private attempt: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_FIRST_MS;
  /** Moves on every lost connection: a confirmation from an older connection proves nothing. */
  private epoch = 0;
  private state: 'idle' | 'listening' | 'down' = 'idle';
  private lostConnection = false;
  private ended = false;

  constructor(
    private readonly connection: RedisConnection,
    options: RedisBusOptions = {},
  ) {
    this.logger = options.logger ?? consoleLogger;
    this.attemptTimeoutMs = Math.max(MIN_ATTEMPT_MS, options.attemptTimeoutMs ?? 0);
  }

  listen(channel: string, handler: MessageHandler, onChange?: (listening: boolean) => void): BusSubscription {
    const listener: Listener = { handler, onChange, listening: false };
    const firstAttempt = new Promise<boolean>((resolve) => (listener.settleFirst = resolve));
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(listener);
    if (this.confirmed.has(channel)) this.mark(listener, true);
    else this.reconcile();
    return {
      isListening: () => listener.listening,
      firstAttempt,
      close: () => this.remove(channel, listener),
    };
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const subscription = this.listen(channel, handler);
    if (!(await subscription.firstAttempt)) {
      subscription.close();
      throw new Error(`could not subscribe to "${channel}": the Redis message bus is down`);
    }
    return async () => subscription.close();
  }

  onResubscribe(handler: () => void): void {
    this.resubscribeHandlers.push(handler);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.connection.call((client) => client.publish(channel, message));
  }

  /** Subscribes every wanted channel not confirmed yet, unless an attempt is running or backing off. */
  private reconcile(): void {
    if (this.ended || this.connection.closing || this.attempt || this.retryTimer) return;
    const missing = [...this.channels.keys()].filter((channel) => !this.confirmed.has(channel));
    if (missing.length === 0) return;
    const subscriber = this.wire();
    const epoch = this.epoch;
    this.attempt = withTimeout(subscriber.subscribe(...missing), this.attemptTimeoutMs)
      .then(
        () => {
          if (epoch !== this.epoch) return; // confirmed on a connection that is gone since
          for (const channel of missing) this.confirm(channel);
          this.retryMs = RETRY_FIRST_MS;
          if ([...this.channels.keys()].every((channel) => this.confirmed.has(channel))) this.listening();
        },
        (error: Error) => {
          for (const channel of missing)
            for (const listener of this.channels.get(channel) ?? []) this.mark(listener, false);
          if (this.connection.closing) return; // the connection is being closed on purpose: not an outage
          this.setDown(error.message);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.reconcile();
          }, this.retryMs);
          this.retryTimer.unref?.();
          this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
        },
      )
      .finally(() => {
        this.attempt = undefined;
        this.reconcile(); // channels wanted while the attempt ran
      });
  }

  private confirm(channel: string): void {
    const set = this.channels.get(channel);
    if (!set) return;
    this.confirmed.add(channel);
    for (const listener of set) this.mark(listener, true);
  }

  private mark(listener: Listener, listening: boolean): void {
    listener.settleFirst?.(listening);
    listener.settleFirst = undefined;
    if (listener.listening === listening) return;
    listener.listening = listening;
    listener.onChange?.(listening);
  }

  private remove(channel: string, listener: Listener): void {
    // Redis stays subscribed (cheap, and a later listener of the channel is confirmed at once).
    const set = this.channels.get(channel);
    listener.settleFirst?.(false);
    listener.listening = false;
    if (!set?.delete(listener) || set.size > 0) return;
    this.channels.delete(channel);
  }

  private listening(): void {
    const previous = this.state;
    this.state = 'listening';
    if (previous === 'down') {
      this.logger.log('Redis message bus listening again: waiters are woken by messages and L1 fills again.');
    }
    if (this.lostConnection) {
      // Whatever was published while the connection was down is lost.
      this.lostConnection = false;
      for (const handler of this.resubscribeHandlers) handler();
    }
  }

  private setDown(reason: string): void {
    if (this.state === 'down') return;
    this.state = 'down';
    this.logger.warn(
      `Redis message bus down (${reason}): lock and cache waiters poll instead of waiting for a message, ` +
        `and L1 stays off, until it subscribes again (retrying with backoff).`,
    );
  }

  private wire(): RedisClient {
    const subscriber = this.connection.subscriber();
    if (this.subscriber === subscriber) return subscriber;
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, message: string) => {
      const set = this.channels.get(channel);
      if (set) for (const listener of set) listener.handler(message);
    });
    subscriber.on('close', () => {
      this.epoch++;
      // ioredis emits on the next tick: by then a deliberate quit already shows as 'end' on a single server; a
      // Cluster subscriber may not have got there yet, so the connection's own closing flag says it too.
      if (this.confirmed.size === 0 || subscriber.status === 'end' || this.connection.closing) return;
      this.confirmed.clear();
      this.lostConnection = true;
      for (const set of this.channels.values()) for (const listener of set) this.mark(listener, false);
      this.setDown('connection lost');
    });
    subscriber.on('ready', () => {
      // Reconnected: subscribe everything again now rather than at the end of a backoff.
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.retryMs = RETRY_FIRST_MS;
      this.reconcile();
    });
    subscriber.on('end', () => {
      this.ended = true;
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    });
    return subscriber;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`SUBSCRIBE not confirmed within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
