import { scenarioSuite } from '../helpers/scenarios.js';

scenarioSuite('token-quotas');
