import autocannon, { type AutocannonResult } from 'autocannon';
import type { Child } from './child-process.js';
import { forkChild } from './child-process.js';
import { median } from './stats.js';

export interface HttpContender {
  name: string;
  /** File name under servers/apps without `.app.js`. */
  app: string;
  /** A contender whose server fails to start is left out (and reported) instead of failing the run. */
  optional?: boolean;
}

export interface HttpRun {
  /** Requests per second of each contender, one per round. */
  rates: Map<string, number[]>;
  /** How many times each server's route source ran over the whole run. */
  sourceCalls: Map<string, number>;
  /** Non-2xx responses and errors seen per contender (must be 0). */
  failures: Map<string, number>;
  /** Total requests served per contender (to turn command counts into per-request figures). */
  requests: Map<string, number>;
  /** Optional contenders left out, with the reason. */
  skipped: Map<string, string>;
}

export interface HttpLoadOptions {
  redisUrl: string;
  connections: number;
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  /** Runs once per contender between warm-up and the rounds (e.g. to count Redis commands per request). */
  probe?: (contender: HttpContender, url: string) => Promise<void>;
}

/**
 * Starts each contender's Nest server in its own process, then loads them in
 * turn with autocannon (rotating the order every round) from this process.
 */
export async function loadServers(all: readonly HttpContender[], options: HttpLoadOptions): Promise<HttpRun> {
  const server = new URL('../servers/http-server.js', import.meta.url);
  const skipped = new Map<string, string>();
  const contenders: HttpContender[] = [];
  const children: Child[] = [];
  try {
    for (const contender of all) {
      try {
        children.push(await forkChild(server, [contender.app, options.redisUrl]));
        contenders.push(contender);
      } catch (error) {
        if (!contender.optional) throw error;
        skipped.set(contender.name, firstLine((error as Error).message));
      }
    }
    const run = await loadChildren(contenders, children, options);
    return { ...run, skipped };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

async function loadChildren(
  contenders: readonly HttpContender[],
  children: readonly Child[],
  options: HttpLoadOptions,
): Promise<Omit<HttpRun, 'skipped'>> {
  const urls = children.map((child) => `http://127.0.0.1:${child.ready.port as number}/product`);
  const run: Omit<HttpRun, 'skipped'> = {
    rates: new Map(),
    sourceCalls: new Map(),
    failures: new Map(),
    requests: new Map(),
  };
  const record = (name: string, result: AutocannonResult) => {
    run.failures.set(name, (run.failures.get(name) ?? 0) + result.non2xx + result.errors + result.timeouts);
    run.requests.set(name, (run.requests.get(name) ?? 0) + result.requests.total);
  };
  for (let i = 0; i < contenders.length; i++) {
    const warm = await autocannon({ url: urls[i]!, connections: options.connections, duration: options.warmupSeconds });
    record(contenders[i]!.name, warm);
    await options.probe?.(contenders[i]!, urls[i]!);
    run.rates.set(contenders[i]!.name, []);
  }
  for (let round = 0; round < options.rounds; round++) {
    for (let j = 0; j < contenders.length; j++) {
      const i = (j + round) % contenders.length;
      const result = await autocannon({ url: urls[i]!, connections: options.connections, duration: options.seconds });
      record(contenders[i]!.name, result);
      run.rates.get(contenders[i]!.name)!.push(result.requests.total / (result.duration || options.seconds));
    }
  }
  for (let i = 0; i < contenders.length; i++) {
    const stats = await children[i]!.request<{ sourceCalls: number }>({ type: 'stats' }, 'stats');
    run.sourceCalls.set(contenders[i]!.name, stats.sourceCalls);
  }
  return run;
}

function firstLine(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() && !line.trim().startsWith('at '));
  return lines.slice(0, 2).join(' ').slice(0, 300);
}

/** Median over rounds of (a's rate ÷ b's rate in the same round). */
export function httpRatio(run: HttpRun, a: string, b: string): number {
  const ra = run.rates.get(a)!;
  const rb = run.rates.get(b)!;
  return median(ra.map((rate, i) => rate / rb[i]!));
}

/** The per-round ratios' range, e.g. "0.81–0.93", to show how noisy the median is. */
export function httpSpread(run: HttpRun, a: string, b: string): string {
  const ra = run.rates.get(a)!;
  const rb = run.rates.get(b)!;
  const ratios = ra.map((rate, i) => rate / rb[i]!);
  return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
}

/** A few sequential requests, for counting what one request costs Redis. */
export async function requestTimes(url: string, count: number): Promise<void> {
  await autocannon({ url, connections: 1, amount: count });
}
