/** A value a script takes in ARGV. */
export type ScriptArg = string | number | Buffer;

/** Strings in the reply as Buffers (binary-safe values) or as strings. */
export type ReplyMode = 'buffer' | 'string';

type Named<Names extends string, Value> = { readonly [name in Names]: Value };

/**
 * A Lua script as Cachet stores it: a constant, never built from input, that
 * knows its KEYS and ARGV by name and reads its own reply. A call site passes
 * `{ entry, fence }` and `{ token, ttlMs }` and gets the decoded reply, so it
 * can neither pass them in the wrong order nor cast the reply.
 */
export interface LuaScript<Keys = unknown, Args = unknown, Reply = unknown> {
  /** Command name registered with `defineCommand`; also the EVALSHA cache key. */
  readonly name: string;
  readonly lua: string;
  /** The KEYS count, or -1 when it varies (the count is then sent first; standalone only). */
  readonly numberOfKeys: number;
  readonly reply: ReplyMode;
  /** KEYS in the order the Lua reads them. */
  keyList(keys: Keys): string[];
  /** ARGV in the order the Lua reads them. */
  argList(args: Args): ScriptArg[];
  decode(reply: unknown): Reply;
}

export interface ScriptSpec<
  K extends string,
  MoreK extends string,
  A extends string,
  MoreA extends string,
  Raw,
  Reply,
> {
  name: string;
  lua: string;
  /** KEYS[1…] by name, in the order the Lua reads them (its header comment says the same). */
  keys: readonly K[];
  /** The name of a list of keys that follows the named ones, when their number varies. */
  moreKeys?: MoreK;
  /** ARGV[1…] by name, in order. */
  args: readonly A[];
  /** The name of a list of values that follows the named ones. */
  moreArgs?: MoreA;
  /** A fixed KEYS count for a script with `moreKeys` (Cluster routes by the first key, so it cannot vary). */
  numberOfKeys?: number;
  /** 'buffer' when the reply carries binary values; 'string' by default. */
  reply?: ReplyMode;
  /** Turns the script's raw reply (whose shape its header states) into what the caller gets. */
  decode: (reply: Raw) => Reply;
}

/** Defines a script once: its Lua, its keys and arguments by name, and its reply decoder. */
export function defineScript<
  K extends string,
  A extends string,
  Raw,
  Reply,
  MoreK extends string = never,
  MoreA extends string = never,
>(
  spec: ScriptSpec<K, MoreK, A, MoreA, Raw, Reply>,
): LuaScript<
  Named<K, string> & Named<MoreK, readonly string[]>,
  Named<A, ScriptArg> & Named<MoreA, readonly ScriptArg[]>,
  Reply
> {
  const { keys, moreKeys, args, moreArgs, decode } = spec;
  const names = [...keys, ...args, moreKeys, moreArgs].filter((name) => name !== undefined);
  if (new Set(names).size !== names.length) throw new Error(`Script ${spec.name} names a key or argument twice`);
  type Keys = Record<string, string | readonly string[]>;
  type Args = Record<string, ScriptArg | readonly ScriptArg[]>;
  return {
    name: spec.name,
    lua: spec.lua,
    numberOfKeys: spec.numberOfKeys ?? (moreKeys === undefined ? keys.length : -1),
    reply: spec.reply ?? 'string',
    keyList: (values: Keys) => ordered<string>(keys, moreKeys, values),
    argList: (values: Args) => ordered<ScriptArg>(args, moreArgs, values),
    decode: (reply: unknown) => decode(reply as Raw),
  };
}

function ordered<T>(names: readonly string[], more: string | undefined, values: Record<string, T | readonly T[]>): T[] {
  const list = names.map((name) => values[name] as T);
  if (more !== undefined) list.push(...(values[more] as readonly T[]));
  return list;
}
