import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import request from 'supertest';
import { startDemoApp, type DemoApp } from './support/demo-app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');

// The functions below run in the page; these shapes stand in for the DOM types this project does not compile with.
interface DataElement {
  id: string;
  dataset: Record<string, string | undefined>;
}
interface PageDocument {
  body: DataElement;
  getElementById(id: string): DataElement;
}
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
}

interface ChartState {
  id: string;
  points: number;
  last: number | null;
  max: number | null;
}

describe('/dashboard in headless Chromium', () => {
  let demo: DemoApp;
  let browser: Browser | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      // A missing browser is a failing run that says how to get one, never a skip.
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install it (sudo apt-get install chromium) or point CHROMIUM_PATH at a Chromium or Chrome binary`,
      );
    }
    demo = await startDemoApp('pglite', { globalRateLimit: { limit: 1000, window: '1m' } });
    await demo.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(demo.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('plots hit rate, loads, queue depth and refusals after traffic, updating live', async () => {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 720 } });
    await page.goto(`${baseUrl}/dashboard`);
    await expect(page.title()).resolves.toContain('Cachet');

    // Traffic: misses then hits on products, write-behind activity, and a token bucket run dry (429s).
    for (let round = 0; round < 3; round++) {
      for (let id = 1; id <= 10; id++) await request(demo.server).get(`/products/${id}`).expect(200);
    }
    for (let i = 0; i < 20; i++) {
      await request(demo.server)
        .post('/activity')
        .send({ userId: 1 + (i % 5), type: 'page.view' })
        .expect(202);
    }
    let refused = 0;
    for (let i = 0; i < 8; i++) if ((await request(demo.server).get('/reports/prices')).status === 429) refused++;
    expect(refused).toBeGreaterThan(0);

    // Wait until the page has drawn the traffic: a sample holding the refusals, and the hit rate above zero.
    await page.waitForFunction(
      () => {
        const page = (globalThis as unknown as { document: PageDocument }).document;
        const figure = (id: string) => page.getElementById(id).dataset;
        return Number(figure('chart-refused').max || 0) > 0 && Number(figure('chart-hit-rate').max || 0) > 0;
      },
      undefined,
      { timeout: 15_000 },
    );
    const updates = () => Number((globalThis as unknown as { document: PageDocument }).document.body.dataset.updates);
    const updatesBefore = await page.evaluate(updates);
    await page.waitForFunction(
      (before) =>
        Number((globalThis as unknown as { document: PageDocument }).document.body.dataset.updates) > before + 1,
      updatesBefore,
      { timeout: 10_000 },
    );

    const charts: ChartState[] = await page.$$eval('figure.chart', (figures) =>
      figures.map((figure) => {
        const data = (figure as unknown as DataElement).dataset;
        return {
          id: figure.id,
          points: Number(data.points ?? 0),
          last: data.last ? Number(data.last) : null,
          max: data.max ? Number(data.max) : null,
        };
      }),
    );
    const byId = Object.fromEntries(charts.map((chart) => [chart.id, chart]));
    for (const chart of charts) expect(chart.points).toBeGreaterThanOrEqual(1);
    expect(byId['chart-hit-rate']!.max).toBeGreaterThan(0);
    expect(byId['chart-loads']!.max).toBeGreaterThan(0);
    expect(byId['chart-refused']!.max).toBeGreaterThan(0);
    expect(byId['chart-queue-depth']!.max).toBeGreaterThanOrEqual(0);

    // Something was actually painted on each canvas (not a blank bitmap).
    const painted = await page.$$eval('figure.chart canvas', (canvases) =>
      canvases.map((canvas) => {
        const { width, height } = canvas as unknown as PageCanvas;
        const pixels = (canvas as unknown as PageCanvas).getContext('2d').getImageData(0, 0, width, height).data;
        let inked = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked++;
        return inked;
      }),
    );
    for (const inked of painted) expect(inked).toBeGreaterThan(100);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    console.log(
      `dashboard: ${charts.map((c) => `${c.id} points=${c.points} max=${c.max}`).join(', ')}; ` +
        `screenshot in test-artifacts/dashboard.png`,
    );
    await page.close();
  }, 60_000);

  it('serves its figures as JSON, one sample per interval, and is never rate limited', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => request(demo.server).get('/dashboard/data').expect(200)),
    );
    const { intervalMs, samples } = responses[0]!.body;
    expect(intervalMs).toBe(1000);
    expect(samples.length).toBeGreaterThan(0);
    expect(Object.keys(samples[0])).toEqual(
      expect.arrayContaining(['at', 'hits', 'misses', 'loads', 'hitRate', 'queueDepth', 'refused']),
    );
  });
});
