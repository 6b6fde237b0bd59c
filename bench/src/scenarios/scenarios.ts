import type { Scenario } from '../harness/bench-context.js';
import { hitCostScenario } from './hit-cost.scenario.js';
import { l1HitScenario } from './l1-hit.scenario.js';
import { httpScenario } from './http.scenario.js';
import { rateLimitScenario } from './rate-limit.scenario.js';
import { redisDownScenario } from './redis-down.scenario.js';
import { stampedeScenario } from './stampede.scenario.js';
import { tagsScenario } from './tags.scenario.js';
import { writeBehindScenario } from './write-behind.scenario.js';

/** Every scenario, in the order of the table. */
export const SCENARIOS: readonly Scenario[] = [
  hitCostScenario,
  l1HitScenario,
  httpScenario,
  rateLimitScenario,
  stampedeScenario,
  tagsScenario,
  writeBehindScenario,
  redisDownScenario,
];
