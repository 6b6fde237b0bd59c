import { lockAcquireScript } from './lock-acquire.script.js';
import { lockExtendScript } from './lock-extend.script.js';
import { lockReleaseScript } from './lock-release.script.js';
import type { LockAcquireResult, LockKeys, LockStore } from '../lock.store.js';
import { RedisBus } from '../redis/redis-bus.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import type { MessageBus } from '../message-bus.js';

/** Locks on one Redis (standalone, Sentinel or the slot's master on Cluster): one script per step. */
export class RedisLockStore implements LockStore {
  readonly bus: MessageBus;

  constructor(
    private readonly connection: RedisConnection,
    bus?: MessageBus,
  ) {
    connection.define(lockAcquireScript, lockExtendScript, lockReleaseScript);
    this.bus = bus ?? new RedisBus(connection);
  }

  acquire(keys: LockKeys, token: string, ttlMs: number, fenceTtlMs: number): Promise<LockAcquireResult> {
    return this.connection.run(lockAcquireScript, keys, { token, ttlMs, fenceTtlMs });
  }

  extend(keys: LockKeys, token: string, ttlMs: number): Promise<boolean> {
    return this.connection.run(lockExtendScript, keys, { token, ttlMs });
  }

  release(keys: LockKeys, token: string, channel: string, name: string): Promise<boolean> {
    return this.connection.run(lockReleaseScript, keys, { token, channel, name });
  }
}
