import { openLimiter } from './limiters.js';
import { REDIS_STORE_KINDS } from '../support/stores.js';

describe('token-bucket at rates above one unit per millisecond', () => {
  it.each(REDIS_STORE_KINDS)('answers from the store on %s (no "invalid expire time")', async (kind) => {
    const fixture = openLimiter(kind);
    await fixture.store.store.ready(5_000);
    const rule = { limit: 1_000_000_000, window: '1m', algorithm: 'token-bucket' } as const;
    for (let i = 0; i < 5; i++) expect(await fixture.limiter.consume('fast', rule)).toMatchObject({ allowed: true });
    expect(fixture.limiter.stats().storeErrors).toBe(0);
    await fixture.close();
  });
});
