import { checkConsistency, formatReport, testClusterNodes, testRedisUrl } from '@cachet/testing';

// A fixed-seed sample of the matrix `npm run check:consistency` runs at full size: standalone and Cluster,
// L1 on and off, with and without faults on one instance's link, each topology with its default version
// source (Redis on standalone, the bus on Cluster); then each topology with the other source.
const SEED = 20_261_202;

describe('consistency (fixed-seed sample)', () => {
  it('finds no violation in any mode', async () => {
    const url = new URL(testRedisUrl());
    const report = await checkConsistency({
      seed: SEED,
      histories: 160,
      topology: ['standalone', 'cluster'],
      concurrency: 8,
      redis: { standalone: { host: url.hostname, port: Number(url.port) }, cluster: testClusterNodes() },
    });
    expect(report.histories).toBe(160);
    expect(report.operations).toBeGreaterThan(160 * 10);
    expect(report.violations.length === 0 ? 'no violations' : formatReport(report)).toBe('no violations');
  }, 150_000);

  it.each([
    ['standalone', 'bus'],
    ['cluster', 'redis'],
  ] as const)(
    'finds no violation on %s with versions from %s',
    async (topology, versions) => {
      const url = new URL(testRedisUrl());
      const report = await checkConsistency({
        seed: SEED,
        histories: 48,
        topology,
        versions,
        concurrency: 8,
        redis: { standalone: { host: url.hostname, port: Number(url.port) }, cluster: testClusterNodes() },
      });
      expect(report.histories).toBe(48);
      expect(report.violations.length === 0 ? 'no violations' : formatReport(report)).toBe('no violations');
    },
    120_000,
  );
});
