import type { KeySpace } from '../store/key-space.js';
import type { RateLimitAlgorithm, RateLimitKeys } from '../store/rate-limit.store.js';

/** Subjects whose keys are kept, per algorithm (a few hundred KB at most). */
const MAX_SUBJECTS = 4_096;

/**
 * The Redis keys of recently checked subjects. A limiter checks the same
 * clients over and over; building their keys anew each time (hash tag,
 * three concatenations) and handing ioredis strings it must flatten before
 * writing them cost more than the rest of the check's own work. Bounded: the
 * oldest subject makes room for a new one. Keys are frozen, shared by every
 * check of the subject.
 */
export class RateLimitKeyCache {
  private readonly bySubject = new Map<RateLimitAlgorithm, Map<string, CachedKeys>>();

  constructor(private readonly keySpace: KeySpace) {}

  keys(algorithm: RateLimitAlgorithm, subject: string, slot: string | undefined): RateLimitKeys {
    let subjects = this.bySubject.get(algorithm);
    if (!subjects) this.bySubject.set(algorithm, (subjects = new Map()));
    const cached = subjects.get(subject);
    if (cached && cached.slot === slot) return cached.keys;
    const keys = Object.freeze(this.keySpace.rateLimit(algorithm, subject, slot));
    if (!cached && subjects.size >= MAX_SUBJECTS) subjects.delete(subjects.keys().next().value!);
    subjects.set(subject, { slot, keys });
    return keys;
  }
}

interface CachedKeys {
  slot: string | undefined;
  keys: RateLimitKeys;
}
