import type { Redis } from 'ioredis';

/** What every scenario gets from the runner. */
export interface BenchContext {
  /** The run's private redis-server (127.0.0.1, a free port). */
  redisUrl: string;
  /** A plain connection for INFO and setup; never used by a contender. */
  admin: Redis;
  quick: boolean;
  /** Slice length and rounds for in-process interleaved throughput runs. */
  slices: { sliceMs: number; rounds: number; warmupMs: number };
  log: (line: string) => void;
  /**
   * Registers cleanup that must run even if the run dies (e.g. stopping an
   * extra redis-server); returns a function that runs it now and unregisters it.
   */
  defer(cleanup: () => Promise<unknown>): () => Promise<void>;
}

/** One line of the results table. */
export interface ResultRow {
  scenario: string;
  /** What is measured, e.g. "Cachet getOrSet hit, 64 in flight". */
  subject: string;
  /** What it is compared with. */
  versus: string;
  /** The figure (a ratio, or a count where the target is a count); null when not measured. */
  value: number | null;
  /** How `value` reads: '×' for a ratio, 'loads' for a count... */
  unit: string;
  /** e.g. "≥ 0.85×", or "" for context rows without a target. */
  target: string;
  /** true/false against the target; null for context rows and rows not measured. */
  met: boolean | null;
  /** Redis commands per operation of `subject` (commandstats delta), when meaningful. */
  redis?: string;
  note?: string;
}

export interface Scenario {
  id: string;
  title: string;
  run(context: BenchContext): Promise<ResultRow[]>;
}

export function notMeasured(scenario: string, subject: string, target: string, why: string): ResultRow {
  return { scenario, subject, versus: '', value: null, unit: '', target, met: null, note: `not measured: ${why}` };
}
