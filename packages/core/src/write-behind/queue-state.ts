import type { QueueKeys } from '../store/queue.store.js';
import type { QueueFlusher } from './queue-flusher.js';
import type { ResolvedQueueOptions } from './write-behind.types.js';

/** What the engine knows of one queue: its keys, its options, what was appended here, and its flusher. */
export interface QueueState {
  keys: QueueKeys;
  options: ResolvedQueueOptions;
  appended: number;
  flusher?: QueueFlusher;
}
