import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAclFile, type RedisAclUser } from './acl-users.js';
import { freePort } from './free-port.js';
import { resolveRedisBinary } from './redis-binary.js';
import { signal, spawnRedis, stopProcess, type SpawnOptions } from './redis-process.js';
import { generateTlsCertificates, type TlsCertificates } from './tls-certificates.js';
import { waitForTlsPing } from './tls-ping.js';

export interface StartRedisOptions {
  /** Port to bind; a free one by default. Never 6379 unless asked. */
  port?: number;
  /** Enables the append-only file (fsync every write) for durability tests. */
  appendOnly?: boolean;
  /** Path of the redis-server binary (default: REDIS_SERVER_BIN or PATH). */
  binary?: string;
  /** Extra `--name value` arguments passed to redis-server. */
  args?: string[];
  /** ACL users (written to an aclfile in the server's directory). */
  users?: RedisAclUser[];
  /** Turns the default user off: every client must AUTH as one of `users`. Default false. */
  requirePassword?: boolean;
  /**
   * TLS only (`--port 0 --tls-port <port>`), with a throwaway CA and server
   * certificate made by the `openssl` CLI. Clients need not present a certificate.
   */
  tls?: boolean;
}

export interface RedisServerHandle {
  /** `redis://127.0.0.1:<port>`, or `rediss://` with `tls`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** Data directory (holds the AOF when `appendOnly` is on, the ACL file and the certificates). */
  readonly dir: string;
  /** With `tls`: the CA to trust (`new Redis({ host, port, tls: { ca } })`). */
  readonly tls?: TlsCertificates;
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
  if (options.requirePassword && !options.users?.length) {
    throw new Error('startRedis: requirePassword needs at least one entry in users');
  }
  const dir = mkdtempSync(join(tmpdir(), `cachet-redis-${port}-`));
  try {
    return await spawnHandle(binary, port, dir, options);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function spawnHandle(
  binary: string,
  port: number,
  dir: string,
  options: StartRedisOptions,
): Promise<RedisServerHandle> {
  const tls = options.tls ? generateTlsCertificates(dir) : undefined;
  const args = [
    ...(options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : []),
    ...(options.users?.length ? ['--aclfile', writeAclFile(dir, options.users, options.requirePassword ?? false)] : []),
    ...(tls
      ? [
          ...['--port', '0', '--tls-port', String(port), '--tls-auth-clients', 'no'],
          ...['--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-ca-cert-file', tls.caFile],
        ]
      : []),
    ...(options.args ?? []),
  ];
  const spawnOptions: SpawnOptions = tls ? { ready: (timeoutMs) => waitForTlsPing(port, tls.ca, timeoutMs) } : {};
  let current = await spawnRedis(binary, port, args, dir, spawnOptions);

  return {
    url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    get pid() {
      return current.pid;
    },
    dir,
    tls,
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
      current = await spawnRedis(binary, port, args, dir, spawnOptions);
    },
  };
}
