import { fork, type ChildProcess } from 'node:child_process';

/** A bench child process spoken to over IPC: `{ type: 'ready', ... }` first, then replies to our messages. */
export interface Child {
  process: ChildProcess;
  ready: Record<string, unknown>;
  /** Sends a message and resolves with the next message whose type is `replyType`. */
  request<T = Record<string, unknown>>(message: Record<string, unknown>, replyType: string): Promise<T>;
  stop(): Promise<void>;
}

/** Forks `script` (a file next to this build) and waits for its `ready` message. */
export async function forkChild(script: URL, args: string[], timeoutMs = 30_000): Promise<Child> {
  const child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script.pathname} not ready within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      // An 'error' message sent just before exiting wins: it says why.
      setImmediate(() => reject(new Error(`${script.pathname} exited with code ${code} before it was ready`)));
    });
    const onMessage = (message: Record<string, unknown>) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.removeAllListeners('exit');
        resolve(message);
      } else if (message.type === 'error') {
        clearTimeout(timer);
        reject(new Error(String(message.message)));
      }
    };
    child.on('message', onMessage);
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    process: child,
    ready,
    request<T>(message: Record<string, unknown>, replyType: string): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`${script.pathname} exited with code ${code}`));
        const onMessage = (reply: Record<string, unknown>) => {
          if (reply.type !== replyType && reply.type !== 'error') return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          if (reply.type === 'error') reject(new Error(String(reply.message)));
          else resolve(reply as T);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send(message);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Forks several children and stops every one of them whatever `work` does. */
export async function withChildren<T>(
  count: number,
  fork: (index: number) => Promise<Child>,
  work: (children: Child[]) => Promise<T>,
): Promise<T> {
  const children: Child[] = [];
  try {
    for (let i = 0; i < count; i++) children.push(await fork(i));
    return await work(children);
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

/** In a child: answers `stop` by running `cleanup` and exiting. */
export function onStop(cleanup: () => Promise<unknown>): void {
  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'stop') return;
    void cleanup()
      .catch(() => undefined)
      .finally(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
}

export function send(message: Record<string, unknown>): void {
  process.send?.(message);
}
