import { monitorCommands } from '@cachet/testing';
import type { Redis } from 'ioredis';

/** Calls and server time per command, from `INFO commandstats`. */
export type CommandStats = Map<string, { calls: number; usec: number }>;

export async function commandStats(admin: Redis): Promise<CommandStats> {
  const info = await admin.info('commandstats');
  const stats: CommandStats = new Map();
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (match) stats.set(match[1]!, { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

export interface CommandCost {
  /** Commands per operation, counting those a Lua script runs (Redis counts them too). */
  perOp: number;
  /** Commands sent by clients per operation, i.e. round trips (an EVALSHA is one, whatever it runs). */
  roundTripsPerOp: number;
  /** Server CPU per operation, µs. */
  usecPerOp: number;
  /** e.g. `evalsha 1 · get 2` (script-internal commands included). */
  breakdown: string;
}

/** Commands the bench's own connections send while counting. */
const IGNORED = new Set(['info', 'echo', 'monitor']);

/**
 * Runs `work` (which performs `ops` operations) and returns what it cost the
 * server: commandstats deltas for the totals and server time, and
 * `monitorCommands` (MONITOR on a socket of its own) to tell round trips from
 * the commands Lua scripts run. Nothing else may use this Redis meanwhile.
 */
export async function measureCommands(admin: Redis, ops: number, work: () => Promise<unknown>): Promise<CommandCost> {
  const server = { host: admin.options.host ?? '127.0.0.1', port: admin.options.port ?? 6379 };
  const before = await commandStats(admin);
  const counted = await monitorCommands(server, async () => {
    await work();
  });
  const after = await commandStats(admin);
  const roundTrips = counted.commands.filter((command) => !IGNORED.has(command.name)).length;
  let calls = 0;
  let usec = 0;
  const parts: string[] = [];
  for (const [name, stat] of after) {
    if (IGNORED.has(name)) continue;
    const delta = stat.calls - (before.get(name)?.calls ?? 0);
    if (delta <= 0) continue;
    calls += delta;
    usec += stat.usec - (before.get(name)?.usec ?? 0);
    parts.push(`${name} ${formatPerOp(delta / ops)}`);
  }
  return {
    perOp: calls / ops,
    roundTripsPerOp: roundTrips / ops,
    usecPerOp: usec / ops,
    breakdown: parts.join(' · ') || 'none',
  };
}

function formatPerOp(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
