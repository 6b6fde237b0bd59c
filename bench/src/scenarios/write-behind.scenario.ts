import type { BenchContext, ResultRow, Scenario } from '../harness/bench-context.js';
import { notMeasured } from '../harness/bench-context.js';
import { PgUsers } from '../fixtures/pg-users.js';
import { PgliteUsers } from '../fixtures/pglite-users.js';
import { measureWriteBehind } from './write-behind.measure.js';

const SCENARIO = '7';

/**
 * Write-behind vs write-through against a PostgreSQL server through `pg` (the
 * row with the target; skipped, and said so, when no server is reachable),
 * then against PGlite in the bench process as context.
 */
export const writeBehindScenario: Scenario = {
  id: 'write-behind',
  title: 'Write-behind vs write-through',
  async run(context: BenchContext): Promise<ResultRow[]> {
    const rows: ResultRow[] = [];
    const server = await PgUsers.open();
    if ('unavailable' in server) {
      rows.push(
        notMeasured(SCENARIO, 'write-behind write vs write-through, PostgreSQL server', '≥ 10×', server.unavailable),
      );
    } else {
      try {
        rows.push(...(await measureWriteBehind(context, SCENARIO, server, true)));
      } finally {
        await server.close();
      }
    }
    const embedded = await PgliteUsers.open();
    try {
      rows.push(...(await measureWriteBehind(context, SCENARIO, embedded, false)));
    } finally {
      await embedded.close();
    }
    return rows;
  },
};
