import { openLimiter } from './limiters.js';

describe('token-bucket at rates above one unit per millisecond', () => {
  it.each(['redis', 'cluster'] as const)('answers from the store on %s (no "invalid expire time")', async (kind) => {
    const fixture = openLimiter(kind);
    await fixture.store.store.ready(5_000);
    const rule = { limit: 1_000_000_000, window: '1m', algorithm: 'token-bucket' } as const;
    for (let i = 0; i < 5; i++) expect(await fixture.limiter.consume('fast', rule)).toMatchObject({ allowed: true });
    expect(fixture.limiter.stats().storeErrors).toBe(0);
    await fixture.close();
  });
});
