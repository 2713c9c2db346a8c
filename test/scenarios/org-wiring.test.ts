import { scenarioSuite } from '../helpers/scenarios.js';

scenarioSuite('org-wiring');
