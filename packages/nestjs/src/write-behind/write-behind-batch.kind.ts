import type { CacheMethodKind } from '../binding/cache-method-kind.js';
import type { WriteBehindBatchOptions } from './write-behind-batch.decorator.js';
import { WRITE_BEHIND_BATCH_METADATA } from './write-behind.constants.js';
import { WriteBehindQueues } from './write-behind-queues.js';

/** `@WriteBehindBatch`: a marker (it wraps nothing); the scanner hands the method to its queue. */
export const writeBehindBatchKind: CacheMethodKind<WriteBehindBatchOptions> = {
  decorator: '@WriteBehindBatch',
  metadataKey: WRITE_BEHIND_BATCH_METADATA,

  // The queue name was checked when the decorator ran.
  validate() {},

  discovered({ queue }, site, { moduleRef }) {
    moduleRef.get(WriteBehindQueues, { strict: false }).addBatchPersister(site, queue);
  },
};
