import { lockAcquireScript } from './lock-acquire.script.js';
import { lockExtendScript } from './lock-extend.script.js';
import { lockReleaseScript } from './lock-release.script.js';
import type { LockAcquireResult, LockKeys, LockStore } from '../lock.store.js';
import { RedisBus } from '../redis/redis-bus.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import type { MessageBus } from '../store.js';

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

  async acquire(keys: LockKeys, token: string, ttlMs: number, fenceTtlMs: number): Promise<LockAcquireResult> {
    const [acquired, value] = await this.connection.run<[number, number | string]>(
      lockAcquireScript,
      [keys.lock, keys.fence],
      [token, ttlMs, fenceTtlMs],
    );
    return acquired === 1
      ? { acquired: true, fencingToken: Number(value) }
      : { acquired: false, remainingMs: Number(value) };
  }

  async extend(keys: LockKeys, token: string, ttlMs: number): Promise<boolean> {
    return (await this.connection.run<number>(lockExtendScript, [keys.lock], [token, ttlMs])) === 1;
  }

  async release(keys: LockKeys, token: string, channel: string, name: string): Promise<boolean> {
    return (await this.connection.run<number>(lockReleaseScript, [keys.lock], [token, channel, name])) === 1;
  }
}
