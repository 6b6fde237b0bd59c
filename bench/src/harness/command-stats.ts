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
const MARKER = 'cachet-bench-count-end';

/**
 * Runs `work` (which performs `ops` operations) and returns what it cost the
 * server: commandstats deltas for the totals and server time, and MONITOR to
 * tell round trips from the commands Lua scripts run (MONITOR tags those
 * "lua"). Nothing else may use this Redis meanwhile.
 */
export async function measureCommands(admin: Redis, ops: number, work: () => Promise<unknown>): Promise<CommandCost> {
  const monitor = await admin.monitor();
  // Replies still in flight when the connection closes must not surface as an unhandled 'error' event.
  monitor.on('error', () => undefined);
  let roundTrips = 0;
  const seenMarker = new Promise<void>((resolve) => {
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      const name = String(args[0]).toLowerCase();
      if (name === 'echo' && args[1] === MARKER) resolve();
      else if (source !== 'lua' && !IGNORED.has(name)) roundTrips++;
    });
  });
  try {
    const before = await commandStats(admin);
    await work();
    const after = await commandStats(admin);
    await admin.echo(MARKER);
    await seenMarker;
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
  } finally {
    monitor.disconnect();
  }
}

function formatPerOp(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
