import { scenarioSuite } from '../helpers/scenarios.js';

scenarioSuite('users');
