import type { MessageBus, MessageHandler } from './store.js';

/** In-process pub/sub with the delivery shape of Redis pub/sub (asynchronous, fire-and-forget). */
export class MemoryBus implements MessageBus {
  private readonly handlers = new Map<string, Set<MessageHandler>>();

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    return async () => {
      set.delete(handler);
    };
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
