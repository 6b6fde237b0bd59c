import assert from 'node:assert/strict';
import { KeySpace, type QueueAppend, type QueueEntry, type QueueKeys, type Store } from '@cachet/core/store';
import { uniqueNamespace } from '../unique-namespace.js';

/** The token of the owner lease `openQueue` takes. */
export const OWNER = 'owner-token';

/** A fresh queue (the keys write-behind uses) whose owner lease `OWNER` holds. */
export async function openQueue(store: Store, ownerTtlMs = 30_000): Promise<QueueKeys> {
  const keys: QueueKeys = new KeySpace(uniqueNamespace('wb')).queue('contract');
  const lease = await store.queues.locks.acquire(keys.owner, OWNER, ownerTtlMs, 60_000);
  assert.ok(lease.acquired, 'the owner lease of a fresh queue is free');
  return keys;
}

/** A write of `key` with its arguments and, unless `value` is null, a value for the overlay. */
export function write(key: string, value: string | null = `value of ${key}`): QueueAppend {
  return { key, op: 'write', args: Buffer.from(`args of ${key}`), value: value === null ? null : Buffer.from(value) };
}

/** Appends and returns the stream ID, failing if the append was refused. */
export async function append(store: Store, keys: QueueKeys, entry: QueueAppend): Promise<string> {
  const result = await store.queues.append(keys, entry, 0);
  assert.ok(result.accepted, `append of ${entry.key} accepted`);
  return result.id;
}

/** Delivers every new entry to `consumer`, as the flusher does. */
export async function readAll(store: Store, keys: QueueKeys, consumer = 'flusher'): Promise<QueueEntry[]> {
  const read = await store.queues.readNew(keys, consumer, 100, OWNER);
  assert.ok(read, 'the owner reads');
  return read.entries;
}
