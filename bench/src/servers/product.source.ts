import { Injectable } from '@nestjs/common';
import { sampleValue } from '../fixtures/sample-value.js';

/**
 * What every benchmarked route returns: the ~1 KB product, built on each call
 * (a stand-in for a fast query). Counts calls so the runner can check that a
 * cached route really was served from the cache.
 */
@Injectable()
export class ProductSource {
  calls = 0;

  load(): Record<string, unknown> {
    this.calls++;
    return sampleValue();
  }
}
