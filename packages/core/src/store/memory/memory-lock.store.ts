import type { LockAcquireResult, LockKeys, LockStore } from '../lock.store.js';
import { MemoryBus } from './memory-bus.js';
import { MemoryKeyValue } from './memory-kv.js';
import type { MessageBus } from '../message-bus.js';

/** Locks in process, with the same contract as Redis (tokens, TTLs, fencing, release messages). */
export class MemoryLockStore implements LockStore {
  constructor(
    private readonly kv: MemoryKeyValue = new MemoryKeyValue(),
    readonly bus: MessageBus = new MemoryBus(),
  ) {}

  async acquire(keys: LockKeys, token: string, ttlMs: number, fenceTtlMs: number): Promise<LockAcquireResult> {
    if (!this.kv.setIfAbsent(keys.lock, token, ttlMs)) {
      return { acquired: false, remainingMs: Math.max(this.kv.pttl(keys.lock), 1) };
    }
    const nowMicros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    const last = Number(this.kv.getString(keys.fence) ?? 0);
    const fencingToken = Math.max(last + 1, nowMicros);
    this.kv.set(keys.fence, String(fencingToken), fenceTtlMs);
    return { acquired: true, fencingToken };
  }

  async extend(keys: LockKeys, token: string, ttlMs: number): Promise<boolean> {
    return this.kv.expireIfHeld(keys.lock, token, ttlMs);
  }

  /** The token holding the lock now, or null (lets in-process queues fence by their owner lease). */
  holder(keys: LockKeys): string | null {
    return this.kv.getString(keys.lock);
  }

  async release(keys: LockKeys, token: string, channel: string, name: string): Promise<boolean> {
    if (this.kv.getString(keys.lock) !== token) return false;
    this.kv.delete(keys.lock);
    await this.bus.publish(channel, name);
    return true;
  }
}
