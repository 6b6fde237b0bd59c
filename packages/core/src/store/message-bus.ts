export type MessageHandler = (message: string) => void;

/** A standing subscription, kept by the bus (retried, resubscribed after reconnects) until closed. */
export interface BusSubscription {
  /** True while messages on the channel reach the handler (the subscription is confirmed on the live connection). */
  isListening(): boolean;
  /** Settles once the first attempt to subscribe is over: true when it was confirmed. Never rejects. */
  readonly firstAttempt: Promise<boolean>;
  /** Removes the handler (and the channel, once no handler is left). */
  close(): void;
}

/** One shared subscription per channel and process; handlers are multiplexed locally. */
export interface MessageBus {
  /**
   * Keeps `handler` subscribed to `channel` until `close()`: a failed attempt is
   * retried with backoff, and every channel is subscribed again after a reconnect.
   * `onChange` hears each change of `isListening()`.
   */
  listen(channel: string, handler: MessageHandler, onChange?: (listening: boolean) => void): BusSubscription;
  /** One attempt: resolves once confirmed; on failure rejects and keeps nothing. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  publish(channel: string, message: string): Promise<void>;
  /** Called when subscriptions were re-established after a lost connection (messages may have been missed). */
  onResubscribe?(handler: () => void): void;
}
