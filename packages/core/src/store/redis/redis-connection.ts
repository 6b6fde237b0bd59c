import { Cluster, type Redis } from 'ioredis';
import type { BreakerRouter } from '../../resilience/node-breakers.js';
import { ClusterRouter } from './cluster-router.js';
import { openClient, quit, type ConnectionTuning, type RedisClient, type RedisInput } from './redis-client.js';
import type { LuaScript } from './redis-script.js';
import { ScriptCommands } from './script-commands.js';

export type { ConnectionTuning, RedisClient, RedisInput } from './redis-client.js';

/**
 * The one place that sends Cachet's commands and scripts, and that tunes and
 * closes the clients. Owns the clients it created (closes them) and never
 * closes one it was given.
 */
export class RedisConnection {
  /** On Cluster: which node serves a key, for per-node circuit breakers. Undefined on a single server. */
  readonly router: BreakerRouter | undefined;
  readonly isCluster: boolean;
  private readonly scripts: ScriptCommands;
  private subscriberClient: RedisClient | undefined;
  private closingStarted = false;
  private nextReady: Promise<void> | undefined;

  private constructor(
    readonly client: RedisClient,
    readonly owned: boolean,
    /** The per-command timeout this connection was tuned for (also bounds a SUBSCRIBE attempt). */
    readonly commandTimeoutMs: number,
  ) {
    this.isCluster = client instanceof Cluster;
    this.router = client instanceof Cluster ? new ClusterRouter(client) : undefined;
    this.scripts = new ScriptCommands(client);
  }

  static from(input: RedisInput, tuning: ConnectionTuning): RedisConnection {
    const { client, owned } = openClient(input, tuning);
    return new RedisConnection(client, owned, tuning.commandTimeoutMs);
  }

  /** Sends one command (or a few in parallel) through the client, within the command timeout (see `bounded`). */
  call<T>(send: (client: RedisClient) => Promise<T>): Promise<T> {
    return this.bounded(() => send(this.client));
  }

  /**
   * Runs a script by SHA (EVAL once per server that does not know it yet) and
   * decodes its reply. A script with a varying number of keys (`numberOfKeys`
   * -1) gets the count first; that is for standalone only: on Cluster,
   * auto-pipelining routes a command by its first argument, so give Cluster a
   * fixed-key variant.
   */
  run<K, A, R>(script: LuaScript<K, A, R>, keys: NoInfer<K>, args: NoInfer<A>): Promise<R> {
    const keyList = script.keyList(keys);
    const argList = script.argList(args);
    const keyCount = script.numberOfKeys < 0 ? keyList.length : script.numberOfKeys;
    if (keyList.length !== keyCount) {
      throw new Error(`Script ${script.name} expects ${script.numberOfKeys} keys, got ${keyList.length}`);
    }
    const typed = script as LuaScript<unknown, unknown, R>;
    if (!this.isCluster) return this.scripts.send(typed, keyCount, keyList, argList);
    return this.bounded(() => this.scripts.send(typed, keyCount, keyList, argList));
  }

  /**
   * Runs a script, then `WAIT replicas timeoutMs`, in one pipeline sent to the
   * script's node: resolves with the script's reply and how many replicas
   * acknowledged every write up to and including it. The script goes as text
   * (EVAL): a freshly promoted replica may not know its SHA, and a NOSCRIPT
   * retry would come after the WAIT and prove nothing.
   */
  async runAndWait<K, A, R>(
    script: LuaScript<K, A, R>,
    keys: NoInfer<K>,
    args: NoInfer<A>,
    wait: { replicas: number; timeoutMs: number },
  ): Promise<{ reply: R; replicas: number }> {
    if (script.reply !== 'string') throw new Error(`Script ${script.name} replies with buffers: run it without WAIT`);
    const keyList = script.keyList(keys);
    const pipeline = this.client.pipeline();
    pipeline.eval(script.lua, keyList.length, ...keyList, ...script.argList(args));
    pipeline.call('WAIT', wait.replicas, wait.timeoutMs);
    const results = await pipeline.exec();
    const [scripted, waited] = results ?? [];
    if (!scripted || !waited) throw new Error('the pipeline was discarded');
    if (scripted[0]) throw scripted[0];
    if (waited[0]) throw waited[0];
    return { reply: script.decode(scripted[1]), replicas: Number(waited[1]) };
  }

  /**
   * Registers scripts with the client. Stores call this in their constructor,
   * before any command is sent: with auto-pipelining, a script defined while a
   * pipeline is open is missing from that pipeline.
   */
  define(...scripts: LuaScript[]): void {
    for (const script of scripts) this.scripts.prepare(script);
  }

  /**
   * On Cluster, ioredis's `commandTimeout` does not bound a call: a command waiting in the cluster's own
   * offline queue (client not ready: connecting, or a cluster that is down) has no timer at all, and an
   * auto-pipelined command gets a fresh timer on each of its up to 16 redirections through a failover
   * (seconds in all). So each call gets one deadline here: it waits at most the command timeout, and is not
   * sent at all when the client did not become ready in that time. A single server needs none: there the
   * timer covers the offline queue and a call is never redirected.
   */
  private bounded<T>(send: () => Promise<T>): Promise<T> {
    if (!this.isCluster) return send();
    const timeoutMs = this.commandTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Command timed out: Redis Cluster did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const attempt = this.client.status === 'ready' ? send() : this.ready(timeoutMs).then(send);
    return Promise.race([attempt, deadline]).finally(() => clearTimeout(timer));
  }

  /**
   * Resolves when the client is ready, rejects after `timeoutMs`. However many
   * callers wait, the client carries one 'ready' listener.
   */
  ready(timeoutMs: number): Promise<void> {
    const client = this.client;
    if (client.status === 'ready') return Promise.resolve();
    this.nextReady ??= new Promise<void>((resolve) =>
      client.once('ready', () => {
        this.nextReady = undefined;
        resolve();
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis not ready within ${timeoutMs} ms (status: ${client.status})`)),
        timeoutMs,
      );
    });
    return Promise.race([this.nextReady, timeout]).finally(() => clearTimeout(timer));
  }

  /** Every master: one client per node on a cluster, the client itself otherwise. */
  masters(): Redis[] {
    return this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
  }

  /** One shared subscriber connection per process (per connection), created on first use. */
  subscriber(): RedisClient {
    if (!this.subscriberClient) {
      this.subscriberClient = this.client.duplicate();
      // Subscribers must queue while reconnecting: a lost SUBSCRIBE would leave waiters asleep.
      this.subscriberClient.on('error', () => undefined);
    }
    return this.subscriberClient;
  }

  /** True once `close()` began: connections dropping from then on are deliberate, not an outage. */
  get closing(): boolean {
    return this.closingStarted;
  }

  async close(): Promise<void> {
    this.closingStarted = true;
    const subscriber = this.subscriberClient;
    this.subscriberClient = undefined;
    if (subscriber) await quit(subscriber);
    if (this.owned) await quit(this.client);
  }
}
