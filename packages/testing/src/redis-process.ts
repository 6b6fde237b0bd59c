import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';

export interface SpawnedRedis {
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  readonly child: ChildProcess;
}

export interface SpawnOptions {
  /** A config file read before the arguments (sentinel mode requires one it can rewrite). */
  configFile?: string;
  /** Resolves once the server answers; default: an inline PING on `port`. */
  ready?: (timeoutMs: number) => Promise<void>;
}

/** Spawns one redis-server bound to 127.0.0.1 and waits until it answers PING. */
export async function spawnRedis(
  binary: string,
  port: number,
  extraArgs: string[],
  dir = mkdtempSync(join(tmpdir(), `cachet-redis-${port}-`)),
  options: SpawnOptions = {},
): Promise<SpawnedRedis> {
  const args = [
    ...(options.configFile ? [options.configFile] : []),
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    '--logfile',
    join(dir, 'redis.log'),
    ...extraArgs,
  ];
  const [command, ...prefix] = [...parentDeathPrefix(), binary];
  const child = spawn(command!, [...prefix, ...args], { stdio: 'ignore', detached: false });
  if (child.pid === undefined) throw new Error(`Could not spawn ${binary} on port ${port}`);
  child.unref();
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(
        new Error(`redis-server on port ${port} exited with code ${code}; ${dir}/redis.log says:\n${logTail(dir)}`),
      ),
    ),
  );
  exited.catch(() => undefined);
  const ready = options.ready ?? ((timeoutMs: number) => waitForPing(port, timeoutMs));
  try {
    await Promise.race([ready(10_000), exited]);
  } catch (error) {
    signal(child.pid, 'SIGKILL');
    throw error;
  }
  return { port, pid: child.pid, dir, child };
}

let cachedPrefix: string[] | undefined;

/**
 * On Linux, servers are started through `setpriv --pdeathsig SIGKILL` (util-linux), which execs redis-server
 * (same pid) with the kernel told to kill it when the process that started it dies — even by SIGKILL or a
 * crashed jest worker — so no test run can leave a server behind. Elsewhere servers are started directly and
 * stopped by pid as usual.
 */
function parentDeathPrefix(): string[] {
  if (cachedPrefix === undefined) {
    const probe = process.platform === 'linux' ? spawnSync('setpriv', ['--pdeathsig', 'SIGKILL', 'true']) : undefined;
    cachedPrefix = probe && probe.status === 0 ? ['setpriv', '--pdeathsig', 'SIGKILL'] : [];
  }
  return cachedPrefix;
}

/** Sends an inline PING until the server answers +PONG. */
export async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ping(port)) return;
    if (Date.now() > deadline)
      throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // -NOAUTH: up, but the default user needs a password (an ACL-configured server).
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}

/** Sends a signal, ignoring a process that is already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL if the process outlives `graceMs`; removes its directory. */
export async function stopProcess(redis: Pick<SpawnedRedis, 'pid' | 'dir'>, graceMs = 3_000): Promise<void> {
  signal(redis.pid, 'SIGCONT');
  signal(redis.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(redis.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (isAlive(redis.pid)) signal(redis.pid, 'SIGKILL');
  while (isAlive(redis.pid)) await new Promise((r) => setTimeout(r, 10));
  rmSync(redis.dir, { recursive: true, force: true });
}

function logTail(dir: string): string {
  try {
    return readFileSync(join(dir, 'redis.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '(no log)';
  }
}
