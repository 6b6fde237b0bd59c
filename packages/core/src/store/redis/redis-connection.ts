import { createHash } from 'node:crypto';
import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';
import { CacheConfigError } from '../../shared/errors.js';
import type { BreakerRouter } from '../../resilience/node-breakers.js';
import { ClusterRouter } from './cluster-router.js';

/** Every way a user can point Cachet at Redis. */
export type RedisInput =
  | string
  | RedisOptions
  | { cluster: ClusterNode[]; options?: ClusterOptions }
  | { sentinels: Array<{ host: string; port: number }>; name: string; options?: RedisOptions }
  | Redis
  | Cluster;

export type RedisClient = Redis | Cluster;

export interface ConnectionTuning {
  /** Per-command timeout in ms; a slow Redis becomes a fast error (fail-open). */
  commandTimeoutMs: number;
}

/** A Lua script as Cachet stores it: a constant, never built from input. */
export interface LuaScript {
  /** Command name registered with `defineCommand`; also the EVALSHA cache key. */
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
}

type ScriptCommand = (...args: Array<string | number | Buffer>) => Promise<unknown>;

/**
 * The one place that opens, tunes and closes ioredis clients. Owns the clients
 * it created (closes them) and never closes one it was given.
 */
export class RedisConnection {
  readonly client: RedisClient;
  readonly owned: boolean;
  private readonly defined = new Set<string>();
  private subscriberClient: RedisClient | undefined;
  private closingStarted = false;

  /** On Cluster: which node serves a key, for per-node circuit breakers. Undefined on a single server. */
  readonly router: BreakerRouter | undefined;

  private constructor(
    client: RedisClient,
    owned: boolean,
    /** The per-command timeout this connection was tuned for (also bounds a SUBSCRIBE attempt). */
    readonly commandTimeoutMs: number,
  ) {
    this.client = client;
    this.owned = owned;
    this.router = client instanceof Cluster ? new ClusterRouter(client) : undefined;
  }

  static from(input: RedisInput, tuning: ConnectionTuning): RedisConnection {
    if (input instanceof Redis || input instanceof Cluster) {
      return new RedisConnection(input, false, tuning.commandTimeoutMs);
    }
    const client = createClient(input, tuning);
    // Connection errors surface through the commands that fail (and the breaker's one log line per state
    // change); without a listener ioredis would print a stack trace for every reconnect attempt.
    client.on('error', () => undefined);
    return new RedisConnection(client, true, tuning.commandTimeoutMs);
  }

  /** Sends one command (or a few in parallel) through the client, within the command timeout (see `bounded`). */
  call<T>(send: (client: RedisClient) => Promise<T>): Promise<T> {
    return this.bounded(() => send(this.client));
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

  private nextReady: Promise<void> | undefined;

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

  get isCluster(): boolean {
    return this.client instanceof Cluster;
  }

  /** Runs a script by SHA (ioredis falls back to EVAL once per connection when the SHA is unknown). */
  run<T>(script: LuaScript, keys: string[], args: Array<string | number | Buffer>): Promise<T> {
    if (keys.length !== script.numberOfKeys) {
      throw new Error(`Script ${script.name} expects ${script.numberOfKeys} keys, got ${keys.length}`);
    }
    return this.bounded(() => this.command(script)(...keys, ...args) as Promise<T>);
  }

  /**
   * Like `run` for scripts with a variable number of keys (`numberOfKeys` = -1): the count goes first.
   * Standalone only: on Cluster, ioredis's auto-pipelining routes a command by its first argument,
   * which here is the key count, so give Cluster a fixed-key variant of the script instead.
   */
  runDynamic<T>(script: LuaScript, keys: string[], args: Array<string | number | Buffer>): Promise<T> {
    return this.bounded(() => this.command(script)(keys.length, ...keys, ...args) as Promise<T>);
  }

  /** `run` with Buffer replies (binary-safe values). */
  runBuffer<T>(script: LuaScript, keys: string[], args: Array<string | number | Buffer>): Promise<T> {
    return this.bounded(() => this.command(script, 'Buffer')(...keys, ...args) as Promise<T>);
  }

  /** `runDynamic` with Buffer replies (binary-safe values). */
  runDynamicBuffer<T>(script: LuaScript, keys: string[], args: Array<string | number | Buffer>): Promise<T> {
    return this.bounded(() => this.command(script, 'Buffer')(keys.length, ...keys, ...args) as Promise<T>);
  }

  /**
   * Runs a script, then `WAIT replicas timeoutMs`, in one pipeline sent to the
   * script's node: resolves with the script's reply and how many replicas
   * acknowledged every write up to and including it. The script goes as text
   * (EVAL): a freshly promoted replica may not know its SHA, and a NOSCRIPT
   * retry would come after the WAIT and prove nothing.
   */
  async runAndWait<T>(
    script: LuaScript,
    keys: string[],
    args: Array<string | number | Buffer>,
    replicas: number,
    timeoutMs: number,
  ): Promise<{ reply: T; replicas: number }> {
    const pipeline = this.client.pipeline();
    pipeline.eval(script.lua, keys.length, ...keys, ...args);
    pipeline.call('WAIT', replicas, timeoutMs);
    const results = await pipeline.exec();
    const [scripted, waited] = results ?? [];
    if (!scripted || !waited) throw new Error('the pipeline was discarded');
    if (scripted[0]) throw scripted[0];
    if (waited[0]) throw waited[0];
    return { reply: scripted[1] as T, replicas: Number(waited[1]) };
  }

  /**
   * Registers scripts with the client. Stores call this in their constructor,
   * before any command is sent: with auto-pipelining, a script defined while a
   * pipeline is open is missing from that pipeline.
   */
  define(...scripts: LuaScript[]): void {
    for (const script of scripts) this.command(script);
  }

  private command(script: LuaScript, variant: '' | 'Buffer' = ''): ScriptCommand {
    // Standalone: the built-in EVALSHA, so nothing is registered on the client. ioredis copies every
    // defineCommand script onto each auto-pipelined batch, which every command (even a GET) then pays for.
    // Cluster keeps defineCommand: auto-pipelining routes a command by its first argument, which for a
    // defined script is its first key (for EVALSHA it would be the SHA).
    if (!this.isCluster) return this.evalsha(script, variant);
    if (!this.defined.has(script.name)) {
      const numberOfKeys = script.numberOfKeys >= 0 ? script.numberOfKeys : undefined;
      this.client.defineCommand(script.name, { numberOfKeys, lua: script.lua });
      this.defined.add(script.name);
    }
    const commands = this.client as unknown as Record<string, ScriptCommand>;
    return commands[script.name + variant]!.bind(this.client);
  }

  private readonly shas = new Map<string, string>();

  private evalsha(script: LuaScript, variant: '' | 'Buffer'): ScriptCommand {
    let sha = this.shas.get(script.name);
    if (!sha) this.shas.set(script.name, (sha = createHash('sha1').update(script.lua).digest('hex')));
    // ioredis has a Buffer-reply twin of every built-in command (`evalshaBuffer`), missing from its typings.
    const commands = this.client as unknown as Record<string, ScriptCommand>;
    const bySha = commands[`evalsha${variant}`]!.bind(this.client);
    const byText = commands[`eval${variant}`]!.bind(this.client);
    const fixedKeys = script.numberOfKeys >= 0 ? [script.numberOfKeys] : [];
    const knownSha = sha;
    return async (...args) => {
      try {
        return await bySha(knownSha, ...fixedKeys, ...args);
      } catch (error) {
        if (!(error as Error).message?.startsWith('NOSCRIPT')) throw error;
        return byText(script.lua, ...fixedKeys, ...args); // EVAL also loads it for the next EVALSHA
      }
    };
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

async function quit(client: RedisClient): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

function createClient(input: Exclude<RedisInput, Redis | Cluster>, tuning: ConnectionTuning): RedisClient {
  const cacheTuning: RedisOptions = {
    commandTimeout: tuning.commandTimeoutMs,
    // Commands issued while reconnecting wait in the offline queue, but never longer than commandTimeout;
    // cache reads do not even wait (the cache skips Redis unless the client is ready), and the breaker
    // stops sending altogether once Redis has failed repeatedly.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    lazyConnect: false,
  };
  if (typeof input === 'string') {
    if (!/^rediss?:\/\//.test(input)) {
      throw new CacheConfigError('redis', input, "a URL such as 'redis://localhost:6379' or 'rediss://host:6380'");
    }
    return new Redis(input, cacheTuning);
  }
  if (typeof input !== 'object' || input === null) {
    throw new CacheConfigError(
      'redis',
      input,
      'a URL, ioredis options, { cluster }, { sentinels, name } or a Redis/Cluster instance',
    );
  }
  if ('cluster' in input) {
    if (!Array.isArray(input.cluster) || input.cluster.length === 0) {
      throw new CacheConfigError('redis.cluster', input.cluster, 'a non-empty list of { host, port } seed nodes');
    }
    return new Cluster(input.cluster, {
      enableAutoPipelining: true,
      enableOfflineQueue: true,
      clusterRetryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
      ...input.options,
      redisOptions: { ...cacheTuning, ...input.options?.redisOptions },
    });
  }
  if ('sentinels' in input && Array.isArray(input.sentinels)) {
    const sentinel = input as {
      sentinels: Array<{ host: string; port: number }>;
      name: string;
      options?: RedisOptions;
    };
    if (typeof sentinel.name !== 'string') {
      throw new CacheConfigError('redis.name', sentinel.name, 'the Sentinel master name, e.g. "mymaster"');
    }
    return new Redis({ ...cacheTuning, ...sentinel.options, sentinels: sentinel.sentinels, name: sentinel.name });
  }
  return new Redis({ ...cacheTuning, ...input });
}
