import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inputField, readInputs } from '../src/inputs.js';

const schema = z.object({
  'stack-name': inputField.required(),
  timeout: inputField.duration('30m'),
  'preview-only': inputField.boolean(false),
  parameters: inputField.keyValues(),
  capabilities: inputField.list(),
  mode: inputField.choice(['rolling', 'blue-green'], 'rolling'),
  note: inputField.optional(),
});

const names = ['STACK-NAME', 'TIMEOUT', 'PREVIEW-ONLY', 'PARAMETERS', 'CAPABILITIES', 'MODE', 'NOTE'];

afterEach(() => {
  for (const name of names) delete process.env[`INPUT_${name}`];
});

describe('readInputs', () => {
  it('should read every input once into one typed object with defaults', () => {
    process.env['INPUT_STACK-NAME'] = 'dev-network';
    process.env.INPUT_PARAMETERS = 'Environment=dev\nSubnets=a,b';
    process.env['INPUT_PREVIEW-ONLY'] = 'true';
    expect(readInputs(schema)).toEqual({
      'stack-name': 'dev-network',
      timeout: 1_800_000,
      'preview-only': true,
      parameters: { Environment: 'dev', Subnets: 'a,b' },
      capabilities: [],
      mode: 'rolling',
      note: undefined,
    });
  });

  it('should list every invalid input with what was expected and found', () => {
    process.env.INPUT_TIMEOUT = 'soon';
    process.env.INPUT_MODE = 'canary';
    let message = '';
    try {
      readInputs(schema);
    } catch (err) {
      message = err instanceof Error ? err.message : String(err);
    }
    expect(message).toContain("Input 'stack-name': is required");
    expect(message).toContain("Input 'timeout': expected a positive duration such as 30m, 900s or 1h30m, found 'soon'");
    expect(message).toContain("Input 'mode': expected one of rolling, blue-green, found 'canary'");
  });
});
