import { freePort } from './free-port.js';
import { resolveRedisBinary } from './redis-binary.js';
import { signal, spawnRedis, stopProcess } from './redis-process.js';

export interface StartRedisOptions {
  /** Port to bind; a free one by default. Never 6379 unless asked. */
  port?: number;
  /** Enables the append-only file (fsync every write) for durability tests. */
  appendOnly?: boolean;
  /** Path of the redis-server binary (default: REDIS_SERVER_BIN or PATH). */
  binary?: string;
  /** Extra `--name value` arguments passed to redis-server. */
  args?: string[];
}

export interface RedisServerHandle {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** Data directory (holds the AOF when `appendOnly` is on). */
  readonly dir: string;
  /** Graceful stop (SIGTERM, then SIGKILL); removes the data directory. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies at once, as in a crash. */
  kill(): Promise<void>;
  /** SIGSTOP: the server stops answering but keeps its connections (a hung server). */
  pause(): void;
  /** SIGCONT: undoes `pause`. */
  resume(): void;
  /** Starts a fresh process on the same port and directory (after `kill`), keeping its data directory and AOF. */
  restart(): Promise<void>;
}

/** Spawns a throwaway redis-server on a free port of 127.0.0.1 and waits until it answers. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServerHandle> {
  const binary = resolveRedisBinary(options.binary);
  const port = options.port ?? (await freePort());
  const args = [
    ...(options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : []),
    ...(options.args ?? []),
  ];
  let current = await spawnRedis(binary, port, args);
  const dir = current.dir;

  return {
    url: `redis://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    get pid() {
      return current.pid;
    },
    dir,
    stop: () => stopProcess(current),
    async kill() {
      signal(current.pid, 'SIGKILL');
      await new Promise<void>((resolve) => {
        if (current.child.exitCode !== null || current.child.signalCode !== null) resolve();
        else current.child.once('exit', () => resolve());
      });
    },
    pause: () => signal(current.pid, 'SIGSTOP'),
    resume: () => signal(current.pid, 'SIGCONT'),
    async restart() {
      current = await spawnRedis(binary, port, args, dir);
    },
  };
}
