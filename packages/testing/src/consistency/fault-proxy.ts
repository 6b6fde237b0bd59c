import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface FaultProxyTarget {
  host: string;
  port: number;
}

export interface StartFaultProxyOptions {
  /** Where the proxy forwards every connection to (a redis-server or one Cluster node). */
  target: FaultProxyTarget;
  /** Port to listen on (127.0.0.1); a free one by default. */
  port?: number;
}

export interface FaultProxyStats {
  /** Connections accepted since start. */
  accepted: number;
  /** Connections currently open. */
  open: number;
  /** Connections cut by `dropConnections`. */
  dropped: number;
}

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  readonly target: FaultProxyTarget;
  /** Holds every reply from Redis for `ms` milliseconds before passing it on (0 turns the delay off). Order is kept. */
  delay(ms: number): void;
  /** Holds all bytes in both directions, on open and new connections, until `resume`. Nothing is lost. */
  stall(): void;
  /** Releases what `stall` held, in order, and lifts the stall. */
  resume(): void;
  /** Cuts every open connection at once (both sides see a reset); new connections are still accepted. */
  dropConnections(): void;
  stats(): FaultProxyStats;
  /** Cuts every connection and stops listening. */
  close(): Promise<void>;
}

interface Held {
  data: Buffer;
  releaseAt: number;
}

/**
 * One direction of one connection: bytes are queued with the time they may
 * leave, so a delay or stall never reorders them.
 */
class Pipe {
  private readonly queue: Held[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly to: Socket,
    private readonly control: { delayMs(): number; stalled(): boolean },
  ) {}

  push(data: Buffer): void {
    const last = this.queue[this.queue.length - 1];
    const releaseAt = Math.max(Date.now() + this.control.delayMs(), last?.releaseAt ?? 0);
    this.queue.push({ data, releaseAt });
    this.pump();
  }

  pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.control.stalled() || this.to.destroyed) return;
    const now = Date.now();
    while (this.queue.length > 0 && this.queue[0]!.releaseAt <= now) this.to.write(this.queue.shift()!.data);
    const next = this.queue[0];
    if (next) this.timer = setTimeout(() => this.pump(), next.releaseAt - now);
  }

  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }
}

interface Link {
  client: Socket;
  upstream: Socket;
  toClient: Pipe;
  toUpstream: Pipe;
}

/**
 * A TCP proxy between one client and Redis that injects link faults: delayed
 * replies, a stalled link (bytes held, connection kept) and dropped connections.
 * Point a client at `{ host, port }` of the proxy instead of the server.
 */
export async function startFaultProxy(options: StartFaultProxyOptions): Promise<FaultProxy> {
  const target = { ...options.target };
  const links = new Set<Link>();
  let delayMs = 0;
  let stalled = false;
  const stats = { accepted: 0, dropped: 0 };
  const replyControl = { delayMs: () => delayMs, stalled: () => stalled };
  const requestControl = { delayMs: () => 0, stalled: () => stalled };

  const server: Server = createServer((client) => {
    stats.accepted += 1;
    client.setNoDelay(true);
    const upstream = createConnection({ host: target.host, port: target.port });
    upstream.setNoDelay(true);
    const link: Link = {
      client,
      upstream,
      toClient: new Pipe(client, replyControl),
      toUpstream: new Pipe(upstream, requestControl),
    };
    links.add(link);
    const end = (): void => {
      if (!links.delete(link)) return;
      link.toClient.discard();
      link.toUpstream.discard();
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (data: Buffer) => link.toUpstream.push(data));
    upstream.on('data', (data: Buffer) => link.toClient.push(data));
    client.on('close', end);
    upstream.on('close', end);
    // A reset is an expected fault here; the close handler tears the pair down.
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    // Requests sent before the upstream connects are queued by the socket itself.
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('startFaultProxy: no TCP address');

  const pumpAll = (): void => {
    for (const link of links) {
      link.toClient.pump();
      link.toUpstream.pump();
    }
  };
  const dropAll = (): number => {
    let count = 0;
    for (const link of [...links]) {
      links.delete(link);
      link.toClient.discard();
      link.toUpstream.discard();
      link.client.resetAndDestroy();
      link.upstream.resetAndDestroy();
      count += 1;
    }
    return count;
  };

  return {
    host: '127.0.0.1',
    port: address.port,
    target,
    delay(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delay: expected a non-negative number, got ${ms}`);
      delayMs = ms;
      pumpAll();
    },
    stall() {
      stalled = true;
    },
    resume() {
      stalled = false;
      pumpAll();
    },
    dropConnections() {
      stats.dropped += dropAll();
    },
    stats: () => ({ accepted: stats.accepted, open: links.size, dropped: stats.dropped }),
    async close() {
      stalled = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        dropAll();
      });
    },
  };
}
