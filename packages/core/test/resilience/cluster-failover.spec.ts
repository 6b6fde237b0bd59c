import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { createCache, type Cache } from '@cachet/core';
import { KeySpace } from '@cachet/core/store';
import { startRedisCluster, type RedisClusterHandle, waitUntil, sleep } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';
import { namespaceOffFirstMaster } from '../support/cluster-namespaces.js';

/**
 * A master of a 3 + 3 cluster is SIGKILLed while 16 callers read cached keys
 * spread over every master. What the failed master served may miss (and is
 * loaded from the source); nothing else may change: no call fails, keys on the
 * other masters keep hitting (hit ratio per master, before the kill and from
 * the kill on), and the promoted replica serves hits again soon after the
 * cluster reports `cluster_state:ok`. Each run appends its figures to
 * test-artifacts/cluster-failover.jsonl.
 */
/** Its generation key lives on a master that stays up (see namespaceOffFirstMaster). */
const NAMESPACE = namespaceOffFirstMaster('failover');
const KEYS = 240;
const WORKERS = 16;
/** Above the default (250 ms) so a loaded CI machine does not time out calls to healthy masters. */
const COMMAND_TIMEOUT_MS = 500;
/** The promise made in docs/operations.md: caching resumes within this long after `cluster_state:ok`. */
const RECOVERY_BOUND_MS = 2_000;
/** A shared, loaded CI machine stretches every timer; the figures measured are reported, the bound is loose. */
const CI_SLACK_MS = 3_000;
const ARTIFACTS = join(process.cwd(), 'test-artifacts');

type Outcome = 'hit' | 'miss' | 'stale' | 'failed';
interface Call {
  master: number;
  start: number;
  end: number;
  outcome: Outcome;
}

describe.each([
  { coverage: 'cluster-require-full-coverage yes (the Redis default)', requireFullCoverage: true },
  { coverage: 'cluster-require-full-coverage no', requireFullCoverage: false },
])('a Cluster master killed under load, $coverage (guarantee 7)', ({ requireFullCoverage }) => {
  let cluster: RedisClusterHandle;
  let cache: Cache;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicas: 1, nodeTimeoutMs: 1_000, requireFullCoverage });
  }, 60_000);
  afterAll(async () => {
    await cache?.close();
    await cluster?.stop();
  });

  it('0 failed calls, healthy masters keep their hit ratio, the promoted replica serves hits within the bound', async () => {
    const seeds = cluster.nodes.slice(0, 3).map(({ host, port }) => ({ host, port }));
    cache = createCache({
      redis: { cluster: seeds },
      namespace: NAMESPACE,
      commandTimeout: COMMAND_TIMEOUT_MS,
      logger: recordingLogger(),
    });
    const keys = Array.from({ length: KEYS }, (_, i) => `item:${i}`);
    const masterOf = await ownersBeforeTheKill(cluster, keys);
    for (let m = 0; m < 3; m++) expect(masterOf.filter((owner) => owner === m).length).toBeGreaterThan(KEYS / 6);
    const loader = async () => ({ from: 'source' });
    await Promise.all(keys.map((key) => cache.getOrSet(key, loader)));
    await warmUntilAllHit(cache, keys, loader);

    const calls: Call[] = [];
    const breakerChanges: string[] = [];
    cache.events.on('breaker', (event) => breakerChanges.push(`${event.node}:${event.previous}->${event.state}`));
    const errors: string[] = [];
    cache.events.on('error', (event) => errors.push(String((event.error as Error)?.message).split(':')[0]!));
    let running = true;
    const worker = async () => {
      while (running) {
        const index = Math.floor(Math.random() * KEYS);
        const start = performance.now();
        let outcome: Outcome;
        try {
          outcome = (await cache.fetch(keys[index]!, loader)).outcome;
        } catch {
          outcome = 'failed';
        }
        calls.push({ master: masterOf[index]!, start, end: performance.now(), outcome });
        await sleep(1);
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);

    await sleep(2_000);
    const killedAt = performance.now();
    await cluster.killNode(0);
    await waitUntil(async () => (await role(cluster.nodes[3]!.port)) === 'master');
    const promotedAt = performance.now();
    await cluster.waitForClusterOk();
    const okAt = performance.now();
    await sleep(6_000);
    running = false;
    await Promise.all(workers);

    const before = calls.filter((call) => call.start < killedAt);
    const after = calls.filter((call) => call.start >= killedAt);
    const ratio = (subset: Call[]) => subset.filter((call) => call.outcome === 'hit').length / subset.length;
    const failingOver = after.filter((call) => call.start < okAt);
    const healthy = [1, 2].map((m) => ({
      master: m,
      before: ratio(before.filter((call) => call.master === m)),
      duringFailover: ratio(failingOver.filter((call) => call.master === m)),
      after: ratio(after.filter((call) => call.master === m)),
    }));
    const killedKeys = after.filter((call) => call.master === 0);
    // Calls are recorded as they end, so the first hit found is the earliest to complete.
    const firstHit = killedKeys.find((call) => call.outcome === 'hit');
    const resumedAt = firstHit?.end ?? NaN;
    const settled = killedKeys.filter((call) => call.start >= resumedAt + 500);
    const figures = {
      requireFullCoverage,
      calls: calls.length,
      failed: calls.filter((call) => call.outcome === 'failed').length,
      healthyHitRatio: healthy.map((h) => ({
        master: h.master,
        before: round(h.before),
        duringFailover: round(h.duringFailover),
        after: round(h.after),
      })),
      promotedAfterKillMs: Math.round(promotedAt - killedAt),
      clusterOkAfterKillMs: Math.round(okAt - killedAt),
      resumedAfterClusterOkMs: Math.round(resumedAt - okAt),
      killedSlotsHitRatioOnceResumed: round(ratio(settled)),
      killedSlotsOutcomes: countBy(killedKeys.map((call) => call.outcome)),
      slowestCallMs: [0, 1, 2].map((m) =>
        Math.round(Math.max(...after.filter((c) => c.master === m).map((c) => c.end - c.start))),
      ),
      breakerChanges,
      errors: countBy(errors),
    };
    mkdirSync(ARTIFACTS, { recursive: true });
    appendFileSync(join(ARTIFACTS, 'cluster-failover.jsonl'), JSON.stringify(figures) + '\n');

    expect(figures).toMatchObject({ failed: 0 });
    for (const h of healthy) expect(h.before).toBeGreaterThan(0.95);
    // With full coverage required, Redis itself refuses every key on every master from the moment the cluster
    // agrees the master failed until its replica is promoted: what the healthy masters lose then is reported
    // (docs/operations.md), not asserted. Without it, their keys must not notice the failure at all.
    if (!requireFullCoverage) {
      for (const h of healthy) {
        expect(h.duringFailover).toBeGreaterThanOrEqual(0.9 * h.before);
        expect(h.after).toBeGreaterThanOrEqual(0.9 * h.before);
      }
    }
    // Fail-open costs a call at most one command timeout, through the failover too (event-loop lag aside).
    expect(Math.max(...figures.slowestCallMs)).toBeLessThanOrEqual(COMMAND_TIMEOUT_MS + 1_000);
    expect(firstHit).toBeDefined();
    expect(resumedAt - okAt).toBeLessThanOrEqual(RECOVERY_BOUND_MS + CI_SLACK_MS);
    expect(figures.killedSlotsHitRatioOnceResumed).toBeGreaterThan(0.9);
  }, 120_000);
});

/** Index (0-2) of the master serving each key's entry, from the cluster's own slot table. */
async function ownersBeforeTheKill(cluster: RedisClusterHandle, keys: string[]): Promise<number[]> {
  const client = new Cluster([cluster.nodes[1]!]);
  try {
    await client.ping();
    const keySpace = new KeySpace(NAMESPACE);
    return await Promise.all(
      keys.map(async (key) => {
        const slot = Number(await client.cluster('KEYSLOT', keySpace.entry(key).entry));
        const port = Number(client.slots[slot]![0]!.split(':')[1]);
        return cluster.nodes.findIndex((node) => node.port === port);
      }),
    );
  } finally {
    client.disconnect();
  }
}

async function warmUntilAllHit(cache: Cache, keys: string[], loader: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const outcomes = await Promise.all(keys.map(async (key) => (await cache.fetch(key, loader)).outcome));
    if (outcomes.every((outcome) => outcome === 'hit')) return;
    await sleep(100);
  }
  throw new Error('the cache did not warm up');
}

async function role(port: number): Promise<string> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return String(((await client.role()) as unknown[])[0]);
  } catch {
    return 'unreachable';
  } finally {
    client.disconnect();
  }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
