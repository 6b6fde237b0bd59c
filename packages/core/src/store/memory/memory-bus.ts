import type { BusSubscription, MessageBus, MessageHandler } from '../message-bus.js';

/** In-process pub/sub with the delivery shape of Redis pub/sub (asynchronous, fire-and-forget). */
export class MemoryBus implements MessageBus {
  private readonly handlers = new Map<string, Set<MessageHandler>>();

  listen(channel: string, handler: MessageHandler): BusSubscription {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    let open = true;
    return {
      isListening: () => open,
      firstAttempt: Promise.resolve(true),
      close: () => {
        open = false;
        set.delete(handler);
      },
    };
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const subscription = this.listen(channel, handler);
    return async () => subscription.close();
  }

  async publish(channel: string, message: string): Promise<void> {
    this.emit(channel, message);
  }

  emit(channel: string, message: string): void {
    const set = this.handlers.get(channel);
    if (!set) return;
    queueMicrotask(() => {
      for (const handler of set) handler(message);
    });
  }
}
