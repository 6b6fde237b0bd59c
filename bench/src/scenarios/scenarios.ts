import type { Scenario } from '../harness/bench-context.js';
import { hitCostScenario } from './hit-cost.scenario.js';
import { httpScenario } from './http.scenario.js';
import { rateLimitScenario } from './rate-limit.scenario.js';
import { redisDownScenario } from './redis-down.scenario.js';
import { stampedeScenario } from './stampede.scenario.js';
import { tagsScenario } from './tags.scenario.js';

/** Every scenario, in the order of the table. */
export const SCENARIOS: readonly Scenario[] = [
  hitCostScenario,
  httpScenario,
  rateLimitScenario,
  stampedeScenario,
  tagsScenario,
  redisDownScenario,
];
