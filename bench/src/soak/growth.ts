export interface SoakSample {
  rss: number;
  heapUsed: number;
  redisMemory: number;
}

/** Growth past this share of the warmed-up figure, and past this many bytes, is a leak worth failing on. */
const MAX_GROWTH = 0.5;
const MIN_BYTES = 32 * 2 ** 20;

/**
 * Compares the median of the last three samples with the median of the three
 * after warm-up (the first sample is warm-up and ignored). Medians keep one
 * garbage-collection spike from deciding either way.
 */
export function findGrowth(samples: readonly SoakSample[]): string[] {
  if (samples.length < 7) return [];
  const early = samples.slice(1, 4);
  const late = samples.slice(-3);
  const problems: string[] = [];
  for (const field of ['rss', 'heapUsed', 'redisMemory'] as const) {
    const before = median(early.map((sample) => sample[field]));
    const after = median(late.map((sample) => sample[field]));
    if (after - before > MIN_BYTES && after > before * (1 + MAX_GROWTH)) {
      problems.push(`${field} grew from ${mb(before)} MB to ${mb(after)} MB`);
    }
  }
  return problems;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
