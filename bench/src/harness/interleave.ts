import { median } from './stats.js';

/** One contender of an interleaved comparison: an async operation run by `concurrency` workers. */
export interface Contender {
  name: string;
  /** One operation; `worker` is 0..concurrency-1, so each worker can keep to its own key. */
  op: (worker: number) => Promise<unknown>;
}

export interface InterleaveOptions {
  concurrency: number;
  sliceMs: number;
  rounds: number;
  /** Unmeasured slice per contender before the first round (JIT, connections, caches). */
  warmupMs: number;
}

/** Ops per second of each contender, one figure per round. */
export type RoundRates = Map<string, number[]>;

/**
 * Runs the contenders in short alternating slices (A,B,C,A,B,C... with the
 * order rotated every round), so drift in machine load hits every contender
 * alike. Ratios are taken within a round, then the median across rounds.
 */
export async function interleave(contenders: readonly Contender[], options: InterleaveOptions): Promise<RoundRates> {
  for (const contender of contenders) await slice(contender, options.concurrency, options.warmupMs);
  const rates: RoundRates = new Map(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(i + round) % contenders.length]!;
      rates.get(contender.name)!.push(await slice(contender, options.concurrency, options.sliceMs));
    }
  }
  return rates;
}

/** Median over rounds of (contender's rate ÷ baseline's rate in the same round). */
export function ratioOf(rates: RoundRates, contender: string, baseline: string): number {
  const a = rates.get(contender)!;
  const b = rates.get(baseline)!;
  return median(a.map((rate, round) => rate / b[round]!));
}

export function medianRate(rates: RoundRates, contender: string): number {
  return median(rates.get(contender)!);
}

async function slice(contender: Contender, concurrency: number, durationMs: number): Promise<number> {
  const started = performance.now();
  const end = started + durationMs;
  let completed = 0;
  const worker = async (id: number) => {
    while (performance.now() < end) {
      await contender.op(id);
      completed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, id) => worker(id)));
  return completed / ((performance.now() - started) / 1000);
}
