import type { BenchContext, ResultRow, Scenario } from '../harness/bench-context.js';
import { notMeasured } from '../harness/bench-context.js';
import { measureCommands } from '../harness/command-stats.js';
import { httpRatio, httpSpread, loadServers, requestTimes, type HttpContender } from '../harness/http-load.js';
import { median, round } from '../harness/stats.js';
import { missing, nestExports } from './nest-features.js';

const SCENARIO = '3';

/**
 * A cached GET route on Express: Cachet's CacheInterceptor against the same
 * route with no cache at all (the ceiling: its source is a fast in-process
 * call) and against @nestjs/cache-manager's CacheInterceptor on Redis.
 */
export const httpScenario: Scenario = {
  id: 'http',
  title: 'HTTP cached route',
  async run(context: BenchContext): Promise<ResultRow[]> {
    const exports = await nestExports();
    const absent = missing(exports, ['CacheModule', 'CacheInterceptor']);
    const contenders: HttpContender[] = [
      { name: 'bare', app: 'bare' },
      { name: 'cache-manager', app: 'cache-manager' },
    ];
    if (absent.length === 0) contenders.push({ name: 'cachet', app: 'cachet-cache', optional: true });
    const redisPerRequest = new Map<string, string>();
    const run = await loadServers(contenders, {
      redisUrl: context.redisUrl,
      connections: 16,
      seconds: context.quick ? 1 : 2,
      rounds: context.quick ? 2 : 7,
      warmupSeconds: 1,
      probe: async (contender, url) => {
        const cost = await measureCommands(context.admin, 200, () => requestTimes(url, 200));
        redisPerRequest.set(contender.name, `${round(cost.roundTripsPerOp)} rt (${cost.breakdown})`);
      },
    });
    const check = (name: string) => {
      const failures = run.failures.get(name) ?? 0;
      return `${run.sourceCalls.get(name)} source calls for ${run.requests.get(name)} requests${failures ? `; ${failures} failed` : ''}`;
    };
    const rows: ResultRow[] = [];
    const skipped = run.skipped.get('cachet');
    if (absent.length > 0 || skipped) {
      const why = skipped
        ? `Cachet CacheInterceptor not available (the route did not start: ${skipped})`
        : `Cachet CacheInterceptor not available (@cachet/nestjs lacks ${absent.join(', ')})`;
      rows.push(
        notMeasured(SCENARIO, 'Cachet cached route', '≥ 0.9×', why),
        notMeasured(SCENARIO, 'Cachet cached route vs cache-manager', '≥ 1.2×', why),
      );
    } else {
      const vsBare = httpRatio(run, 'cachet', 'bare');
      const vsManager = httpRatio(run, 'cachet', 'cache-manager');
      rows.push(
        {
          scenario: SCENARIO,
          subject: 'Cachet CacheInterceptor route',
          versus: 'bare route (no cache)',
          value: round(vsBare, 3),
          unit: '×',
          target: '≥ 0.9×',
          met: vsBare >= 0.9,
          redis: redisPerRequest.get('cachet'),
          note: `${check('cachet')}; rounds ranged ${httpSpread(run, 'cachet', 'bare')}`,
        },
        {
          scenario: SCENARIO,
          subject: 'Cachet CacheInterceptor route',
          versus: '@nestjs/cache-manager CacheInterceptor',
          value: round(vsManager, 3),
          unit: '×',
          target: '≥ 1.2×',
          met: vsManager >= 1.2,
          note: `rounds ranged ${httpSpread(run, 'cachet', 'cache-manager')}`,
        },
      );
    }
    rows.push({
      scenario: SCENARIO,
      subject: '@nestjs/cache-manager CacheInterceptor route',
      versus: 'bare route (no cache)',
      value: round(httpRatio(run, 'cache-manager', 'bare'), 3),
      unit: '×',
      target: '',
      met: null,
      redis: redisPerRequest.get('cache-manager'),
      note: `${check('cache-manager')}; rounds ranged ${httpSpread(run, 'cache-manager', 'bare')}; bare: ${Math.round(median(run.rates.get('bare')!))} req/s in this run`,
    });
    return rows;
  },
};
