import { scenarioSuite } from '../helpers/scenarios.js';

scenarioSuite('roles');
