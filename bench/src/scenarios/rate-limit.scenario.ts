import type { BenchContext, ResultRow, Scenario } from '../harness/bench-context.js';
import { notMeasured } from '../harness/bench-context.js';
import { measureCommands } from '../harness/command-stats.js';
import { httpRatio, httpSpread, loadServers, requestTimes, type HttpContender } from '../harness/http-load.js';
import { median, round } from '../harness/stats.js';
import { limiterCheckRows } from './limiter-check.js';
import { missing, nestExports } from './nest-features.js';

const SCENARIO = '4';

/**
 * The same route behind each rate limiter, with a limit no run reaches (the
 * cost of the check on every request): Cachet's RateLimitGuard against the
 * bare route, @nestjs/throttler with its Redis storage, and
 * rate-limiter-flexible's RateLimiterRedis in a guard.
 */
export const rateLimitScenario: Scenario = {
  id: 'rate-limit',
  title: 'Rate-limited route',
  async run(context: BenchContext): Promise<ResultRow[]> {
    const exports = await nestExports();
    const absent = missing(exports, ['CacheModule', 'RateLimitGuard', 'RateLimit']);
    const contenders: HttpContender[] = [
      { name: 'bare', app: 'bare' },
      { name: 'throttler', app: 'throttler' },
      { name: 'flexible', app: 'rate-limiter-flexible' },
    ];
    if (absent.length === 0) contenders.push({ name: 'cachet', app: 'cachet-rate-limit', optional: true });
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
    const failures = (name: string) => {
      const count = run.failures.get(name) ?? 0;
      return count ? `${count} refused or failed requests (must be 0)` : undefined;
    };
    const rows: ResultRow[] = [];
    const skipped = run.skipped.get('cachet');
    if (absent.length > 0 || skipped) {
      const why = skipped
        ? `RateLimitGuard not available (the route did not start: ${skipped})`
        : `RateLimitGuard not available (@cachet/nestjs lacks ${absent.join(', ')})`;
      rows.push(
        notMeasured(SCENARIO, 'Cachet RateLimitGuard route', '≥ 0.9×', why),
        notMeasured(SCENARIO, 'Cachet RateLimitGuard route vs throttler', '≥ 1.1×', why),
      );
    } else {
      const vsBare = httpRatio(run, 'cachet', 'bare');
      const vsThrottler = httpRatio(run, 'cachet', 'throttler');
      rows.push(
        {
          scenario: SCENARIO,
          subject: 'Cachet RateLimitGuard route',
          versus: 'bare route (no limit)',
          value: round(vsBare, 3),
          unit: '×',
          target: '≥ 0.9×',
          met: vsBare >= 0.9,
          redis: redisPerRequest.get('cachet'),
          note: failures('cachet') ?? `rounds ranged ${httpSpread(run, 'cachet', 'bare')}`,
        },
        {
          scenario: SCENARIO,
          subject: 'Cachet RateLimitGuard route',
          versus: 'ThrottlerGuard + throttler-storage-redis',
          value: round(vsThrottler, 3),
          unit: '×',
          target: '≥ 1.1×',
          met: vsThrottler >= 1.1,
          note: `rounds ranged ${httpSpread(run, 'cachet', 'throttler')}`,
        },
      );
    }
    rows.push(
      {
        scenario: SCENARIO,
        subject: 'ThrottlerGuard + throttler-storage-redis route',
        versus: 'bare route (no limit)',
        value: round(httpRatio(run, 'throttler', 'bare'), 3),
        unit: '×',
        target: '',
        met: null,
        redis: redisPerRequest.get('throttler'),
        note:
          failures('throttler') ??
          `rounds ranged ${httpSpread(run, 'throttler', 'bare')}; bare: ${Math.round(median(run.rates.get('bare')!))} req/s in this run`,
      },
      {
        scenario: SCENARIO,
        subject: 'rate-limiter-flexible (RateLimiterRedis) guard route',
        versus: 'bare route (no limit)',
        value: round(httpRatio(run, 'flexible', 'bare'), 3),
        unit: '×',
        target: '',
        met: null,
        redis: redisPerRequest.get('flexible'),
        note: failures('flexible') ?? `rounds ranged ${httpSpread(run, 'flexible', 'bare')}`,
      },
    );
    rows.push(...(await limiterCheckRows(context, SCENARIO)));
    return rows;
  },
};
