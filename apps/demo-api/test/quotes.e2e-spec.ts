import request from 'supertest';
import { QuoteUpstream } from '../src/quotes/quote-upstream.js';
import { DATABASES, startDemoApp, type DemoApp } from './support/demo-app.js';
import { sleep } from '@cachet/testing';

describe.each(DATABASES)('quotes on %s, within their TTL', (kind) => {
  let demo: DemoApp;
  let upstream: QuoteUpstream;

  // A TTL no read in this block can outlive, however slow the machine: every answer here is a hit.
  beforeAll(async () => {
    demo = await startDemoApp(kind, { quotes: { latencyMs: 300, ttl: '10m' } });
    upstream = demo.get(QuoteUpstream);
  });
  afterAll(() => demo?.close());

  it('calls the slow upstream once, then answers from the cache', async () => {
    const first = await request(demo.server).get('/quotes/acme').expect(200);
    expect(first.body).toMatchObject({ symbol: 'ACME', upstreamCalls: 1 });
    for (let read = 0; read < 5; read += 1) {
      const { body } = await request(demo.server).get('/quotes/ACME').expect(200);
      expect(body.asOf).toBe(first.body.asOf);
    }
    expect(upstream.calls('ACME')).toBe(1);
  });

  it('lets one caller reach the upstream when many ask for a cold symbol at once', async () => {
    await Promise.all(Array.from({ length: 15 }, () => request(demo.server).get('/quotes/GLOB').expect(200)));
    expect(upstream.calls('GLOB')).toBe(1);
  });

  it('refuses a symbol that is not 1 to 5 letters', async () => {
    await request(demo.server).get('/quotes/TOOLONG').expect(400);
    await request(demo.server).get('/quotes/A1').expect(400);
  });
});

describe.each(DATABASES)('quotes on %s, past their TTL', (kind) => {
  let demo: DemoApp;
  let upstream: QuoteUpstream;

  beforeAll(async () => {
    demo = await startDemoApp(kind, { quotes: { latencyMs: 300, ttl: '2s' } });
    upstream = demo.get(QuoteUpstream);
  });
  afterAll(() => demo?.close());

  it('past its TTL, answers the last quote at once and refreshes it in the background', async () => {
    const first = await request(demo.server).get('/quotes/STALE').expect(200);
    await sleep(2200); // the 2 s TTL has passed; the stale window (1 min) has not

    const stale = await request(demo.server).get('/quotes/STALE').expect(200);
    // Served without waiting for the upstream: the same quote as before.
    expect(stale.body.asOf).toBe(first.body.asOf);

    // One refresh ran in the background; once it lands, readers see the new quote.
    let latest = stale.body;
    for (let attempt = 0; attempt < 40 && latest.asOf === first.body.asOf; attempt += 1) {
      await sleep(100);
      latest = (await request(demo.server).get('/quotes/STALE').expect(200)).body;
    }
    expect(latest.asOf).not.toBe(first.body.asOf);
    expect(upstream.calls('STALE')).toBe(2);
  });
});
