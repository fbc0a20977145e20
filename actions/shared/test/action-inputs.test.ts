// Every action reads its inputs through one schema; its action.yml must declare exactly those, so
// the test harness (which checks each input it sets against action.yml) checks them against the
// schema too, and no input in action.yml does nothing.
import { describe, expect, it } from 'vitest';
import { inputSchema as cfnDeploy } from '../../cfn-deploy/src/inputs.js';
import { inputSchema as cleanup } from '../../cleanup/src/inputs.js';
import { inputSchema as ecsDeploy } from '../../ecs-deploy/src/inputs.js';
import { inputSchema as render } from '../../render-task-definition/src/inputs.js';
import { declaredInputs } from './support/action-step.js';

const schemas = {
  'cfn-deploy': cfnDeploy,
  cleanup,
  'ecs-deploy': ecsDeploy,
  'render-task-definition': render,
} as const;

describe('action inputs', () => {
  it.each(Object.entries(schemas))('should have %s declare exactly the inputs its schema reads', (action, schema) => {
    expect(declaredInputs(action).sort()).toEqual(Object.keys(schema.shape).sort());
  });
});
