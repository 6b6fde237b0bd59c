import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Child {
  process: ChildProcess;
  /** Resolves with each JSON line the child writes, in order. */
  lines: Array<Record<string, unknown>>;
  nextLine(): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Runs a fixture from test/fixtures with plain Node (it imports the built package from dist/). */
export function runFixture(name: string, args: string[]): Child {
  const file = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  const child = spawn(process.execPath, [file, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Array<Record<string, unknown>> = [];
  const waiting: Array<(line: Record<string, unknown>) => void> = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>;
      buffer = buffer.slice(newline + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    lines,
    exited,
    nextLine: () =>
      new Promise((resolve, reject) => {
        const queued = lines.shift();
        if (queued) return resolve(queued);
        waiting.push(resolve);
        void exited.then((code) => reject(new Error(`fixture ${name} exited (${code}) before writing a line`)));
      }),
  };
}
