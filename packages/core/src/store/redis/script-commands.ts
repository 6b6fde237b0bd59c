import { createHash } from 'node:crypto';
import { Cluster } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import type { LuaScript, ScriptArg } from './redis-script.js';

/** Sends one script: its KEYS count, KEYS and ARGV; resolves with the decoded reply. */
type ScriptSender = (keyCount: number, keys: readonly string[], args: readonly ScriptArg[]) => Promise<unknown>;

type ClientCommand = (...args: unknown[]) => Promise<unknown>;

/**
 * How a script reaches one client. Standalone: the built-in EVALSHA, so
 * nothing is registered on the client (ioredis copies every `defineCommand`
 * script onto each auto-pipelined batch, which every command, even a GET,
 * then pays for), with EVAL once when the server does not know the SHA.
 * Cluster keeps `defineCommand`: auto-pipelining routes a command by its first
 * argument, which for a defined script is its first key (for EVALSHA it would
 * be the SHA). KEYS and ARGV go to ioredis as the arrays they are (it
 * flattens its arguments anyway), and the reply is decoded in the same step
 * that catches NOSCRIPT: nothing is copied or awaited on the way.
 */
export class ScriptCommands {
  private readonly senders = new Map<string, ScriptSender>();

  constructor(private readonly client: RedisClient) {}

  /** Sends `script` with its reply mode and decodes the reply. */
  send<R>(
    script: LuaScript<unknown, unknown, R>,
    keyCount: number,
    keys: readonly string[],
    args: readonly ScriptArg[],
  ): Promise<R> {
    return this.sender(script)(keyCount, keys, args) as Promise<R>;
  }

  /** Makes `script` ready to send (registered on a Cluster client). */
  prepare(script: LuaScript): void {
    this.sender(script);
  }

  private sender(script: LuaScript): ScriptSender {
    const id = script.reply === 'buffer' ? `${script.name}Buffer` : script.name;
    let sender = this.senders.get(id);
    if (!sender) {
      sender = this.client instanceof Cluster ? this.defined(script) : this.bySha(script);
      this.senders.set(id, sender);
    }
    return sender;
  }

  private defined(script: LuaScript): ScriptSender {
    const client = this.client as unknown as Record<string, ClientCommand>;
    if (!client[script.name]) {
      const numberOfKeys = script.numberOfKeys >= 0 ? script.numberOfKeys : undefined;
      this.client.defineCommand(script.name, { numberOfKeys, lua: script.lua });
    }
    const command = client[script.reply === 'buffer' ? `${script.name}Buffer` : script.name]!.bind(this.client);
    const decode = script.decode;
    // A fixed count was registered with the command; a varying one goes first.
    if (script.numberOfKeys >= 0) return (_keyCount, keys, args) => command(keys, args).then(decode);
    return (keyCount, keys, args) => command(keyCount, keys, args).then(decode);
  }

  private bySha(script: LuaScript): ScriptSender {
    const sha = createHash('sha1').update(script.lua).digest('hex');
    // ioredis has a Buffer-reply twin of every built-in command (`evalshaBuffer`), missing from its typings.
    const variant = script.reply === 'buffer' ? 'Buffer' : '';
    const client = this.client as unknown as Record<string, ClientCommand>;
    const evalsha = client[`evalsha${variant}`]!.bind(this.client);
    const evalText = client[`eval${variant}`]!.bind(this.client);
    const { lua, decode } = script;
    return (keyCount, keys, args) =>
      evalsha(sha, keyCount, keys, args).then(decode, (error: Error) => {
        if (!error?.message?.startsWith('NOSCRIPT')) throw error;
        return evalText(lua, keyCount, keys, args).then(decode); // EVAL also loads it for the next EVALSHA
      });
  }
}
