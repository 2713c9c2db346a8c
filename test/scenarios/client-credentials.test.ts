import { scenarioSuite } from '../helpers/scenarios.js';

scenarioSuite('client-credentials');
