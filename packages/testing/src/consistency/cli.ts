#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkConsistency } from './check-consistency.js';
import type { Topology, VersionSource } from './cell-mode.js';
import { formatReport } from './consistency-report.js';

const usage = `Usage: node packages/testing/dist/consistency/cli.js [options]
  --histories N      histories in total, spread over the matrix (default 10000)
  --ops N            operations per history (default 12)
  --seed N           seed of the run (default: random, printed)
  --topology LIST    standalone,cluster (default both)
  --l1 LIST          on,off (default both)
  --faults LIST      on,off (default both)
  --versions LIST    redis,bus: where reads learn tag versions (default: each topology's own, bus on Cluster)
  --concurrency N    histories side by side per cell (default 32 here)
  --replay SEED      run only the history with this seed, in every selected mode
  --replay-ops LIST  with --replay: only these ops (ids as printed), and the ops they follow
  --redis HOST:PORT  check against this server instead of a throwaway one
  --cluster LIST     HOST:PORT,... of a Cluster to check against
  --json FILE        also write the whole report (every violation) as JSON
Exits 1 when a violation is found.`;

const { values } = parseArgs({
  options: {
    histories: { type: 'string' },
    ops: { type: 'string' },
    seed: { type: 'string' },
    topology: { type: 'string' },
    l1: { type: 'string' },
    faults: { type: 'string' },
    versions: { type: 'string' },
    concurrency: { type: 'string' },
    replay: { type: 'string' },
    'replay-ops': { type: 'string' },
    redis: { type: 'string' },
    cluster: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean' },
  },
});

if (values.help) {
  console.log(usage);
  process.exit(0);
}

const number = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    console.error(`Not a non-negative integer: ${value}\n\n${usage}`);
    process.exit(2);
  }
  return parsed;
};
const switches = (value: string | undefined): boolean[] | undefined =>
  value?.split(',').map((item) => item.trim() === 'on' || item.trim() === 'true');
const address = (value: string): { host: string; port: number } => {
  const [host, port] = value.trim().split(':');
  return { host: host || '127.0.0.1', port: Number(port) };
};

async function main(): Promise<number> {
  const report = await checkConsistency({
    histories: number(values.histories) ?? 10_000,
    opsPerHistory: number(values.ops),
    seed: number(values.seed),
    topology: (values.topology?.split(',').map((item) => item.trim()) as Topology[] | undefined) ?? [
      'standalone',
      'cluster',
    ],
    l1: switches(values.l1),
    faults: switches(values.faults),
    versions: values.versions?.split(',').map((item) => item.trim()) as VersionSource[] | undefined,
    concurrency: number(values.concurrency) ?? 32,
    replay: number(values.replay),
    replayOps: values['replay-ops']?.split(',').map((id) => number(id.trim())!),
    redis:
      values.redis || values.cluster
        ? {
            standalone: values.redis ? address(values.redis) : undefined,
            cluster: values.cluster ? values.cluster.split(',').map(address) : undefined,
          }
        : undefined,
    log: (line) => console.log(line),
  });
  console.log(`\n${formatReport(report)}`);
  if (values.json) {
    const { modes, ...totals } = report;
    const json = {
      ...totals,
      modes: modes.map(({ busLags, ...mode }) => ({ ...mode, busLagSamples: busLags.length })),
    };
    writeFileSync(values.json, JSON.stringify(json, null, 2));
  }
  return report.violations.length > 0 ? 1 : 0;
}

// The packages are CommonJS, so the run is a promise rather than a top-level await.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
