import { createHash } from 'node:crypto';
import { Cluster } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import type { LuaScript, ReplyMode, ScriptArg } from './redis-script.js';

type ScriptCommand = (...args: ScriptArg[]) => Promise<unknown>;

/**
 * How a script reaches one client. Standalone: the built-in EVALSHA, so
 * nothing is registered on the client (ioredis copies every `defineCommand`
 * script onto each auto-pipelined batch, which every command, even a GET,
 * then pays for), with EVAL once when the server does not know the SHA.
 * Cluster keeps `defineCommand`: auto-pipelining routes a command by its first
 * argument, which for a defined script is its first key (for EVALSHA it would
 * be the SHA).
 */
export class ScriptCommands {
  private readonly commands = new Map<string, ScriptCommand>();

  constructor(private readonly client: RedisClient) {}

  /** The command sending `script` (arguments: its keys, then its ARGV), with the reply mode it asks for. */
  command(script: LuaScript): ScriptCommand {
    const reply = script.reply;
    const id = reply === 'buffer' ? `${script.name}Buffer` : script.name;
    let command = this.commands.get(id);
    if (!command) {
      command = this.client instanceof Cluster ? this.defined(script, reply) : this.bySha(script, reply);
      this.commands.set(id, command);
    }
    return command;
  }

  private defined(script: LuaScript, reply: ReplyMode): ScriptCommand {
    const client = this.client as unknown as Record<string, ScriptCommand>;
    if (!client[script.name]) {
      const numberOfKeys = script.numberOfKeys >= 0 ? script.numberOfKeys : undefined;
      this.client.defineCommand(script.name, { numberOfKeys, lua: script.lua });
    }
    return client[reply === 'buffer' ? `${script.name}Buffer` : script.name]!.bind(this.client);
  }

  private bySha(script: LuaScript, reply: ReplyMode): ScriptCommand {
    const sha = createHash('sha1').update(script.lua).digest('hex');
    // ioredis has a Buffer-reply twin of every built-in command (`evalshaBuffer`), missing from its typings.
    const variant = reply === 'buffer' ? 'Buffer' : '';
    const client = this.client as unknown as Record<string, ScriptCommand>;
    const evalsha = client[`evalsha${variant}`]!.bind(this.client);
    const evalText = client[`eval${variant}`]!.bind(this.client);
    const fixedKeys = script.numberOfKeys >= 0 ? [script.numberOfKeys] : [];
    return async (...args) => {
      try {
        return await evalsha(sha, ...fixedKeys, ...args);
      } catch (error) {
        if (!(error as Error).message?.startsWith('NOSCRIPT')) throw error;
        return evalText(script.lua, ...fixedKeys, ...args); // EVAL also loads it for the next EVALSHA
      }
    };
  }
}
