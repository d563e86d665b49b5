/**
 * `npm run bench -- --scenario NAME`: one comparison alone, with the bench's processes, load
 * client and reporting. Each returns what goes into its JSON file under `results`.
 */
import { runBufferReclaimScenario } from './buffer-reclaim-scenario.js';
import { runHeapFlagsScenario } from './heap-flags-scenario.js';
import { runPathRulesScenario } from './path-rules-scenario.js';
import { runPolicyScenario } from './policy-scenario.js';
import { runProductScenario } from './product-scenario.js';
import type { ScenarioContext } from './scenario-setup.js';
import type { Scenario } from './settings.js';
import { runUpstreamLegScenario } from './upstream-leg-scenario.js';

export const SCENARIO_RUNNERS: Record<Exclude<Scenario, 'all'>, (ctx: ScenarioContext) => Promise<unknown>> = {
  'buffer-reclaim': runBufferReclaimScenario,
  'heap-flags': runHeapFlagsScenario,
  'path-rules': runPathRulesScenario,
  policy: runPolicyScenario,
  product: runProductScenario,
  'upstream-leg': runUpstreamLegScenario,
};
