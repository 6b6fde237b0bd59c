import type { SpawnedRedis } from './redis-process.js';
import { command } from './resp-command.js';

const SLOTS = 16_384;

/**
 * Joins freshly spawned nodes into one cluster: every node meets the first,
 * slots are split evenly over the masters, replicas attach round-robin, then
 * it waits for `cluster_state:ok` everywhere and, with replicas, for every
 * replica to be in sync and known as one by every node.
 */
export async function formCluster(nodes: SpawnedRedis[], masters: number): Promise<void> {
  const first = nodes[0]!;
  for (const node of nodes.slice(1)) await command(first.port, ['CLUSTER', 'MEET', '127.0.0.1', String(node.port)]);
  const perMaster = Math.ceil(SLOTS / masters);
  for (let m = 0; m < masters; m++) {
    const start = m * perMaster;
    const end = Math.min(SLOTS - 1, start + perMaster - 1);
    await command(nodes[m]!.port, ['CLUSTER', 'ADDSLOTSRANGE', String(start), String(end)]);
  }
  await awaitCluster(async () => {
    for (const node of nodes) {
      const known = (await command(node.port, ['CLUSTER', 'NODES'])).trim().split('\n').length;
      if (known < nodes.length) return false;
    }
    return true;
  }, 'every node to know every other node');
  for (let r = masters; r < nodes.length; r++) {
    const master = nodes[(r - masters) % masters]!;
    const masterId = (await command(master.port, ['CLUSTER', 'MYID'])).trim();
    await command(nodes[r]!.port, ['CLUSTER', 'REPLICATE', masterId]);
  }
  await awaitCluster(async () => {
    for (const node of nodes) {
      if (!(await command(node.port, ['CLUSTER', 'INFO'])).includes('cluster_state:ok')) return false;
    }
    return true;
  }, 'cluster_state:ok on every node');
  const replicas = nodes.length - masters;
  if (replicas === 0) return;
  // A replica that has not synced cannot be promoted, and masters only vote for a replica they know as one.
  await awaitCluster(async () => {
    for (const node of nodes.slice(masters)) {
      if (!(await command(node.port, ['INFO', 'replication'])).includes('master_link_status:up')) return false;
    }
    return true;
  }, 'master_link_status:up on every replica');
  await awaitCluster(async () => {
    for (const node of nodes) {
      const lines = (await command(node.port, ['CLUSTER', 'NODES'])).trim().split('\n');
      if (lines.filter((line) => / (myself,)?slave [0-9a-f]{40} /.test(line)).length < replicas) return false;
    }
    return true;
  }, 'every node to know every replica');
}

/** Polls `check` every 50 ms until it holds; rejects naming `what` once `timeoutMs` passed. */
export async function awaitCluster(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  // A node that is still starting (or refuses a connection for a moment) is a "not yet", not a failure.
  while (!(await check().catch((error: unknown) => ((lastError = error), false)))) {
    if (Date.now() > deadline) {
      const cause = lastError ? ` (last error: ${(lastError as Error).message})` : '';
      throw new Error(`Redis Cluster did not reach ${what} within ${timeoutMs} ms${cause}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
