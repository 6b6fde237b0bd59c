import type { RedisConnection } from './redis-connection.js';
import type { MessageBus, MessageHandler } from './store.js';

/**
 * Pub/sub over the connection's one shared subscriber. Each channel is
 * subscribed once per process however many local handlers listen; SUBSCRIBE
 * resolves only once Redis confirmed it, so a caller that subscribes and then
 * re-checks cannot miss a message published in between.
 */
export class RedisBus implements MessageBus {
  private readonly handlers = new Map<string, Set<MessageHandler>>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private listening = false;
  private readonly resubscribeHandlers: Array<() => void> = [];

  constructor(private readonly connection: RedisConnection) {}

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const subscriber = this.connection.subscriber();
    if (!this.listening) {
      this.listening = true;
      subscriber.on('message', (channelName: string, message: string) => {
        const set = this.handlers.get(channelName);
        if (set) for (const listener of set) listener(message);
      });
      let connectedBefore = subscriber.status === 'ready';
      subscriber.on('ready', () => {
        // ioredis resubscribes by itself on reconnect; whatever was published meanwhile is lost.
        if (connectedBefore) for (const handler of this.resubscribeHandlers) handler();
        connectedBefore = true;
      });
    }
    let set = this.handlers.get(channel);
    if (!set) {
      this.handlers.set(channel, (set = new Set()));
      this.pending.set(channel, subscriber.subscribe(channel));
    }
    set.add(handler);
    await this.pending.get(channel);
    return async () => {
      set.delete(handler);
    };
  }

  onResubscribe(handler: () => void): void {
    this.resubscribeHandlers.push(handler);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.connection.call((client) => client.publish(channel, message));
  }
}
