import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { inputField, readInputs } from '../src/inputs.js';
import { useActionStep } from './support/action-step.js';

const schema = z.object({
  'stack-name': inputField.required(),
  timeout: inputField.duration('30m'),
  'preview-only': inputField.boolean(false),
  parameters: inputField.keyValues(),
  capabilities: inputField.list(),
  features: inputField.listOf(['logs', 'metrics']),
  label: inputField.text('none'),
  mode: inputField.choice(['rolling', 'blue-green'], 'rolling'),
  note: inputField.optional(),
});

const step = useActionStep({ schema, timers: 'real' });

describe('readInputs', () => {
  it('should read every input once into one typed object with defaults', () => {
    step.inputs({
      'stack-name': 'dev-network',
      parameters: 'Environment=dev\nSubnets=a,b',
      'preview-only': 'true',
      features: 'logs,\nmetrics',
    });
    expect(readInputs(schema)).toEqual({
      'stack-name': 'dev-network',
      timeout: 1_800_000,
      'preview-only': true,
      parameters: { Environment: 'dev', Subnets: 'a,b' },
      capabilities: [],
      mode: 'rolling',
      note: undefined,
      features: ['logs', 'metrics'],
      label: 'none',
    });
  });

  it('should list every invalid input with what was expected and found', () => {
    step.inputs({ timeout: 'soon', mode: 'canary', features: 'logs,traces' });
    let message = '';
    try {
      readInputs(schema);
    } catch (err) {
      message = err instanceof Error ? err.message : String(err);
    }
    expect(message).toContain("Input 'stack-name': is required");
    expect(message).toContain("Input 'timeout': expected a positive duration such as 30m, 900s or 1h30m, found 'soon'");
    expect(message).toContain("Input 'mode': expected one of rolling, blue-green, found 'canary'");
    expect(message).toContain("Input 'features': expected one of logs, metrics, found 'traces'");
  });
});
