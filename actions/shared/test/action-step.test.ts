import * as core from '@actions/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBundle, useActionStep } from './support/action-step.js';

// Registered before the step's hooks, so the step's capture sits on top of this recorder: what
// reaches the recorder is what would reach the test runner's output.
let leaked = '';
const realWrite = process.stdout.write;
beforeEach(() => {
  leaked = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    leaked += String(chunk);
    return true;
  }) as typeof process.stdout.write;
});
afterEach(() => {
  process.stdout.write = realWrite;
});

// cfn-deploy's action.yml stands for any action's: the names below are inputs it declares.
const step = useActionStep({ action: 'cfn-deploy', defaults: { 'stack-name': 'dev-network' } });

describe('useActionStep', () => {
  it('should set declared inputs as the runner does, over the defaults', () => {
    step.inputs({ timeout: '5m' });
    expect(core.getInput('stack-name')).toBe('dev-network');
    expect(core.getInput('timeout')).toBe('5m');
  });

  it('should fail the test on an input action.yml does not declare, naming the file', () => {
    expect(() => step.inputs({ 'stack-nmae': 'x' })).toThrow(
      /expected only inputs actions\/cfn-deploy\/action\.yml declares \(stack-name, .*\), found 'stack-nmae'/,
    );
    expect(core.getInput('stack-nmae')).toBe('');
  });

  it('should set variables for one test only (1/2: set them)', () => {
    step.env({ HARNESS_PROBE: 'set' });
    step.inputs({ 'preview-only': 'true' });
    process.env.AWS_REGION = 'ap-south-1';
    expect(process.env.HARNESS_PROBE).toBe('set');
  });

  it('should set variables for one test only (2/2: they are gone)', () => {
    expect(process.env.HARNESS_PROBE).toBeUndefined();
    expect(core.getInput('preview-only')).toBe('');
    expect(process.env.AWS_REGION).toBe('eu-west-1');
    expect(core.getInput('stack-name')).toBe('dev-network');
  });

  it('should keep an expected ::error:: in the captured log, off the runner output, with the exit code', async () => {
    const result = await step.run(async () => {
      core.info('working');
      core.setFailed('the stack is busy');
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain('working');
    expect(result.log).toContain('::error::the stack is busy');
    expect(step.log()).toContain('::error::the stack is busy');
    expect(leaked).toBe('');
  });

  it('should read outputs back parsed and the summary as written', async () => {
    const result = await step.run(async () => {
      core.setOutput('status', 'CREATE_COMPLETE');
      core.setOutput('outputs', '{\n  "VpcId": "vpc-1"\n}');
      await core.summary.addHeading('cfn-deploy: dev-network').write();
    });
    expect(result.code).toBe(0);
    expect(result.outputs).toEqual({ status: 'CREATE_COMPLETE', outputs: '{\n  "VpcId": "vpc-1"\n}' });
    expect(step.outputs()).toEqual(result.outputs);
    expect(result.summary).toContain('<h1>cfn-deploy: dev-network</h1>');
  });

  it('should start a new step with empty files and only the defaults', async () => {
    step.inputs({ timeout: '5m' });
    await step.run(async () => core.setOutput('status', 'first'));
    step.start({ tags: 'app=mysfits' });
    expect(step.outputs()).toEqual({});
    expect(core.getInput('timeout')).toBe('');
    expect(core.getInput('tags')).toBe('app=mysfits');
  });

  it("should jump over the action's sleeps under fake timers", async () => {
    const before = Date.now();
    await step.run(() => new Promise<void>((resolve) => setTimeout(resolve, 30 * 60_000)));
    expect(Date.now() - before).toBeGreaterThanOrEqual(30 * 60_000);
  });
});

describe('runBundle', () => {
  it('should refuse an input action.yml does not declare before starting the bundle', async () => {
    await expect(runBundle({ action: 'cleanup', inputs: { enviroment: 'dev' }, env: {} })).rejects.toThrow(
      'expected only inputs actions/cleanup/action.yml declares (environment, ',
    );
  });
});
