import type { BenchContext, ResultRow, Scenario } from '../harness/bench-context.js';
import { notMeasured } from '../harness/bench-context.js';

const SCENARIO = '7';

/** Write-behind against write-through on the same database (PGlite), once core provides createWriteBehind. */
export const writeBehindScenario: Scenario = {
  id: 'write-behind',
  title: 'Write-behind vs write-through',
  async run(_context: BenchContext): Promise<ResultRow[]> {
    const core = (await import('@cachet/core')) as Record<string, unknown>;
    if (typeof core.createWriteBehind !== 'function') {
      return [
        notMeasured(
          SCENARIO,
          'write-behind throughput',
          '≥ 10×',
          'write-behind not available (@cachet/core has no createWriteBehind)',
        ),
      ];
    }
    return [
      notMeasured(SCENARIO, 'write-behind throughput', '≥ 10×', 'write-behind scenario not written for this build'),
    ];
  },
};
