import type { LockStore } from '../lock.store.js';
import { MemoryLockStore } from './memory-lock.store.js';
import type {
  AppendResult,
  DeadLetter,
  DeadLetterMove,
  PendingValue,
  QueueAppend,
  QueueDepth,
  QueueEntry,
  QueueKeys,
  QueueStore,
  ReplayOutcome,
} from '../queue.store.js';
import { compareStreamIds, streamIdTime } from '../queues/stream-id.js';

interface MemoryQueue {
  /** Backlog in append order (a Map keeps insertion order, and IDs only grow). */
  entries: Map<string, QueueEntry>;
  /** Delivered and not acknowledged: id → consumer, and when it was delivered (ms). */
  delivered: Map<string, { consumer: string; at: number }>;
  dead: Map<string, DeadLetter>;
  /** Key → its newest pending entry, and what it shows (null: a write without a value). */
  overlay: Map<string, { id: string; shown: PendingValue | null }>;
  /** Key → ID of its newest append, for keys with dead letters (see QueueKeys.newest). */
  newest: Map<string, string>;
}

/**
 * Write-behind queues in process, with the Redis contract (IDs, delivery,
 * claim, overlay, dead letters). Durable only as long as the process lives:
 * for tests and the no-Redis fallback.
 */
export class MemoryQueueStore implements QueueStore {
  private readonly queues = new Map<string, MemoryQueue>();
  private lastMs = 0;
  private lastSeq = 0;

  constructor(readonly locks: LockStore = new MemoryLockStore()) {}

  async append(keys: QueueKeys, entry: QueueAppend, maxPending: number): Promise<AppendResult> {
    const queue = this.queue(keys);
    if (maxPending > 0 && queue.entries.size >= maxPending) return { accepted: false, depth: queue.entries.size };
    const id = this.nextId();
    queue.entries.set(id, { ...entry, id, version: id });
    this.setOverlay(queue, entry, id);
    if (queue.newest.has(entry.key)) queue.newest.set(entry.key, id);
    return { accepted: true, id };
  }

  async readNew(
    keys: QueueKeys,
    consumer: string,
    count: number,
    ownerToken: string,
  ): Promise<{ entries: QueueEntry[]; othersPending: boolean } | null> {
    if (!this.owns(keys, ownerToken)) return null;
    const queue = this.queue(keys);
    const read: QueueEntry[] = [];
    for (const entry of queue.entries.values()) {
      if (read.length >= count) break;
      if (queue.delivered.has(entry.id)) continue;
      queue.delivered.set(entry.id, { consumer, at: Date.now() });
      read.push(entry);
    }
    const othersPending = [...queue.delivered.values()].some((delivery) => delivery.consumer !== consumer);
    return { entries: read, othersPending };
  }

  async claim(keys: QueueKeys, consumer: string, ownerToken: string, minIdleMs: number): Promise<QueueEntry[] | null> {
    if (!this.owns(keys, ownerToken)) return null;
    const queue = this.queue(keys);
    const claimed: QueueEntry[] = [];
    const now = Date.now();
    for (const [id, delivery] of queue.delivered) {
      if (now - delivery.at < minIdleMs) continue;
      queue.delivered.set(id, { consumer, at: now });
      claimed.push(queue.entries.get(id)!);
    }
    return claimed.sort((a, b) => compareStreamIds(a.id, b.id));
  }

  async ack(
    keys: QueueKeys,
    entries: ReadonlyArray<Pick<QueueEntry, 'id' | 'key'>>,
    ownerToken: string,
  ): Promise<boolean> {
    if (!this.owns(keys, ownerToken)) return false;
    const queue = this.queue(keys);
    for (const { id, key } of entries) {
      queue.delivered.delete(id);
      queue.entries.delete(id);
      if (queue.overlay.get(key)?.id === id) queue.overlay.delete(key);
    }
    return true;
  }

  async deadLetter(
    keys: QueueKeys,
    entry: QueueEntry,
    error: string,
    attempts: number,
    ownerToken: string,
  ): Promise<DeadLetterMove> {
    if (!this.owns(keys, ownerToken)) return 'not-owner';
    const queue = this.queue(keys);
    if (!queue.delivered.delete(entry.id)) return 'gone';
    if (queue.dead.size === 0) queue.newest.clear();
    if (!queue.newest.has(entry.key)) queue.newest.set(entry.key, queue.overlay.get(entry.key)?.id ?? entry.id);
    queue.entries.delete(entry.id);
    if (queue.overlay.get(entry.key)?.id === entry.id) queue.overlay.delete(entry.key);
    const deadId = this.nextId();
    queue.dead.set(deadId, { ...entry, deadId, error, attempts, failedAt: Date.now() });
    return 'moved';
  }

  async pendingValue(keys: QueueKeys, key: string): Promise<PendingValue | null> {
    return this.queue(keys).overlay.get(key)?.shown ?? null;
  }

  async depth(keys: QueueKeys): Promise<QueueDepth> {
    const queue = this.queue(keys);
    const oldest = queue.entries.keys().next();
    return {
      depth: queue.entries.size,
      deadLetters: queue.dead.size,
      oldestAgeMs: oldest.done ? null : Math.max(0, Date.now() - streamIdTime(oldest.value)),
    };
  }

  async listDead(keys: QueueKeys, count: number, after?: string): Promise<DeadLetter[]> {
    const all = [...this.queue(keys).dead.values()];
    return all.filter((letter) => after === undefined || compareStreamIds(letter.deadId, after) > 0).slice(0, count);
  }

  async replayDead(keys: QueueKeys, deadIds: readonly string[] | undefined, limit: number): Promise<ReplayOutcome> {
    const queue = this.queue(keys);
    const chosen = deadIds
      ? deadIds.map((id) => queue.dead.get(id)).filter((letter): letter is DeadLetter => letter !== undefined)
      : [...queue.dead.values()].slice(0, limit);
    const outcome: ReplayOutcome = { replayed: 0, superseded: [] };
    for (const letter of chosen) {
      const newest = queue.newest.get(letter.key);
      if (newest !== undefined && newest !== letter.id) {
        outcome.superseded.push({ deadId: letter.deadId, id: letter.id, key: letter.key });
        continue;
      }
      const id = this.nextId();
      const { key, op, args, value, version } = letter;
      queue.entries.set(id, { key, op, args, value, version, id });
      if (newest !== undefined || !queue.overlay.has(key)) this.setOverlay(queue, letter, id);
      if (newest !== undefined) queue.newest.set(key, id);
      queue.dead.delete(letter.deadId);
      outcome.replayed++;
    }
    if (queue.dead.size === 0) queue.newest.clear();
    return outcome;
  }

  async purgeDead(keys: QueueKeys, deadIds: readonly string[] | undefined): Promise<number> {
    const queue = this.queue(keys);
    if (deadIds === undefined) {
      const count = queue.dead.size;
      queue.dead.clear();
      queue.newest.clear();
      return count;
    }
    return deadIds.filter((id) => queue.dead.delete(id)).length;
  }

  async durabilityWarnings(): Promise<string[]> {
    return ['the in-memory write-behind queue lives in this process: writes still queued when it exits are lost.'];
  }

  /** Entries still queued across every queue (to warn on close). */
  backlog(): number {
    let total = 0;
    for (const queue of this.queues.values()) total += queue.entries.size;
    return total;
  }

  private setOverlay(queue: MemoryQueue, entry: QueueAppend, id: string): void {
    let shown: PendingValue | null = null;
    if (entry.op === 'delete') shown = { id, op: 'delete' };
    else if (entry.value) shown = { id, op: 'write', value: entry.value };
    queue.overlay.set(entry.key, { id, shown });
  }

  /** The owner-lease fence, where the lock store can show its holder (a MemoryLockStore can). */
  private owns(keys: QueueKeys, ownerToken: string): boolean {
    const holder = (this.locks as Partial<MemoryLockStore>).holder?.(keys.owner);
    return holder === undefined || holder === ownerToken;
  }

  private queue(keys: QueueKeys): MemoryQueue {
    let queue = this.queues.get(keys.stream);
    if (!queue) {
      queue = { entries: new Map(), delivered: new Map(), dead: new Map(), overlay: new Map(), newest: new Map() };
      this.queues.set(keys.stream, queue);
    }
    return queue;
  }

  private nextId(): string {
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.lastSeq = 0;
    } else this.lastSeq++;
    return `${this.lastMs}-${this.lastSeq}`;
  }
}
