import { randomUUID } from 'node:crypto';
import { createConnection, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { parseMonitorLine } from './monitor-line.js';

/** A node to watch: a `startRedis` handle, or any `{ host, port }`. */
export interface MonitorNode {
  host: string;
  port: number;
}

/**
 * What `monitorCommands` watches: one server, or a Cluster (a `startRedisCluster` handle, or its seed nodes),
 * whose current masters are each watched by a monitor of their own.
 */
export type MonitorTarget = MonitorNode | { nodes: readonly MonitorNode[] } | readonly MonitorNode[];

export interface MonitoredCommand {
  /** `host:port` of the node that ran it. */
  node: string;
  /** Lower-case command name: `get`, `mget`, `evalsha`. */
  name: string;
  /** Its arguments as MONITOR prints them (text; binary arguments are approximate). */
  args: string[];
  /** `ip:port` of the connection that sent it, or `lua` for a command a script ran. */
  source: string;
}

export interface MonitoredCommands<T> {
  /** What `fn` resolved with. */
  result: T;
  /**
   * Commands the node(s) received from clients while `fn` ran, in the order each node ran them: one per
   * command on the wire (a script is one EVALSHA, whatever it runs inside).
   */
  commands: MonitoredCommand[];
  /** The names of `commands`, in order: handy for `toEqual(['mget'])`. */
  names: string[];
  /** Commands scripts ran inside (MONITOR reports them with source `lua`); not in `commands`. */
  scriptCommands: MonitoredCommand[];
  /** Client commands per watched node (`host:port`), every watched node listed, 0 when it got none. */
  perNode: Record<string, number>;
}

/**
 * Counts the commands a real redis-server receives while `fn` runs. Each
 * watched node gets a MONITOR on a connection of its own (on a Cluster, one
 * per master), opened before `fn` starts; once `fn` settles, a marker sent
 * to each node after it marks where the count ends, so every command the node
 * ran before `fn` settled is counted and the monitors' own traffic never is.
 *
 * Counts are exact — commands are deterministic — so pin them with `toBe`, not
 * ranges. Use a server nothing else talks to meanwhile (e.g. from `startRedis`),
 * and connect the code under test before calling this, unless the connection
 * handshake is what you count.
 */
export async function monitorCommands<T>(target: MonitorTarget, fn: () => Promise<T>): Promise<MonitoredCommands<T>> {
  const nodes = await watchedNodes(target);
  const monitors: NodeMonitor[] = [];
  try {
    for (const node of nodes) monitors.push(await NodeMonitor.start(node));
    const result = await fn();
    await Promise.all(monitors.map((monitor) => monitor.flush()));
    const commands = monitors.flatMap((monitor) => monitor.commands);
    return {
      result,
      commands,
      names: commands.map((command) => command.name),
      scriptCommands: monitors.flatMap((monitor) => monitor.scriptCommands),
      perNode: Object.fromEntries(monitors.map((monitor) => [monitor.node, monitor.commands.length])),
    };
  } finally {
    for (const monitor of monitors) monitor.close();
  }
}

/**
 * One MONITOR connection (a plain socket: a client library can mistake a command it sees for the reply to
 * its own), plus a client that sends the end marker.
 */
class NodeMonitor {
  readonly commands: MonitoredCommand[] = [];
  readonly scriptCommands: MonitoredCommand[] = [];
  private readonly marker = `cachet-monitor-end:${randomUUID()}`;
  private markerSeen!: Promise<void>;
  /** The marker was seen (or the monitor closed): nothing more is recorded. */
  private done = false;

  private constructor(
    readonly node: string,
    private readonly control: Redis,
    private readonly socket: Socket,
  ) {}

  static async start(address: MonitorNode): Promise<NodeMonitor> {
    const control = new Redis({ host: address.host, port: address.port, lazyConnect: true });
    control.on('error', () => undefined);
    const socket = createConnection({ host: address.host, port: address.port });
    try {
      await control.connect();
      const watcher = new NodeMonitor(`${address.host}:${address.port}`, control, socket);
      await watcher.listen();
      return watcher;
    } catch (error) {
      socket.destroy();
      control.disconnect();
      throw error;
    }
  }

  /** Resolves once the node ran the marker: every command it ran before is recorded. */
  async flush(): Promise<void> {
    await this.control.echo(this.marker);
    await this.markerSeen;
  }

  close(): void {
    this.done = true;
    this.socket.destroy();
    this.control.disconnect();
  }

  /** Sends MONITOR and resolves once the node confirmed it: every command it runs from then on is seen. */
  private listen(): Promise<void> {
    let confirmed!: () => void;
    let failed!: (error: Error) => void;
    const started = new Promise<void>((resolve, reject) => ((confirmed = resolve), (failed = reject)));
    let ended!: () => void;
    let cut!: (error: Error) => void;
    this.markerSeen = new Promise<void>((resolve, reject) => ((ended = resolve), (cut = reject)));
    this.markerSeen.catch(() => undefined); // rejects only for a flush that is waiting on it
    let buffered = '';
    let monitoring = false;
    this.socket.on('error', (error) => failed(error));
    this.socket.once('close', () => {
      if (this.done) return;
      this.done = true;
      const error = new Error(`monitorCommands: the MONITOR connection to ${this.node} closed before the count ended`);
      failed(error);
      cut(error);
    });
    this.socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      let lineEnd: number;
      while ((lineEnd = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, lineEnd);
        buffered = buffered.slice(lineEnd + 2);
        if (!monitoring) {
          if (line !== '+OK') return failed(new Error(`monitorCommands: MONITOR refused by ${this.node}: ${line}`));
          monitoring = true;
          confirmed();
          continue;
        }
        const parsed = line.startsWith('+') ? parseMonitorLine(line.slice(1)) : undefined;
        if (!parsed || this.done) continue;
        const name = parsed.args[0]!.toLowerCase();
        if (name === 'echo' && parsed.args[1] === this.marker) {
          this.done = true;
          ended();
          continue;
        }
        const command = { node: this.node, name, args: parsed.args.slice(1), source: parsed.source };
        (parsed.source === 'lua' ? this.scriptCommands : this.commands).push(command);
      }
    });
    this.socket.write('MONITOR\r\n');
    return started;
  }
}

async function watchedNodes(target: MonitorTarget): Promise<MonitorNode[]> {
  if ('host' in target && 'port' in target) return [{ host: target.host, port: target.port }];
  const seeds = 'nodes' in target ? target.nodes : (target as readonly MonitorNode[]);
  if (seeds.length === 0) throw new Error('monitorCommands: no node to watch (an empty list of cluster nodes)');
  return clusterMasters(seeds);
}

/** The masters a Cluster has now (after any failover), from the first seed that answers CLUSTER NODES. */
async function clusterMasters(seeds: readonly MonitorNode[]): Promise<MonitorNode[]> {
  let lastError: unknown;
  for (const seed of seeds) {
    const client = new Redis({ host: seed.host, port: seed.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const nodes = String(await client.call('CLUSTER', 'NODES'));
      return nodes
        .trim()
        .split('\n')
        .map((line) => line.split(' '))
        .filter(([, address, flags = '']) => {
          const flagList = flags.split(',');
          return address && flagList.includes('master') && !flagList.includes('fail') && !flagList.includes('noaddr');
        })
        .map(([, address]) => {
          const hostPort = address!.split('@')[0]!;
          const colon = hostPort.lastIndexOf(':');
          return { host: hostPort.slice(0, colon) || seed.host, port: Number(hostPort.slice(colon + 1)) };
        })
        .sort((a, b) => a.port - b.port);
    } catch (error) {
      lastError = error;
    } finally {
      client.disconnect();
    }
  }
  throw new Error(`monitorCommands: no cluster node answered CLUSTER NODES (${(lastError as Error)?.message})`);
}
