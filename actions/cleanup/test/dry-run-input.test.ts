import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  captureLog,
  createStepFiles,
  prepareStep,
  readStepOutputs,
  type StepFiles,
  settle,
} from '../../shared/test/support/step.js';
import { run } from '../src/main.js';
import { fakeAccount, fakeStack } from './support/fake-aws.js';

/*
 * dry-run fails closed (issue 11 item 7): a caller that passes nothing, or a value that is not the
 * word true or false (a mangled boolean, `yes`, `0`), must never delete. CloudFormation and DynamoDB
 * scripted as in cleanup-scripted.test.ts (DescribeStacks, DeleteStack, DescribeTable).
 */

const INPUT_NAMES = ['environment', 'confirm', 'dry-run', 'keep-data', 'bootstrap-stack', 'timeout', 'region'];

let files: StepFiles;
let log: ReturnType<typeof captureLog>;

function account() {
  const network = fakeStack({
    name: 'dev-network',
    resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC', physicalId: 'vpc-0a1b2c3d4e5f67890' }],
  });
  return fakeAccount({ stacks: [network], table: { name: 'dev-mysfits', exists: false, deletionProtection: false } });
}

function step(inputs: Record<string, string>): void {
  prepareStep({ files, inputNames: INPUT_NAMES, inputs: { environment: 'dev', confirm: 'dev', ...inputs } });
}

beforeAll(() => {
  files = createStepFiles('cleanup-dry-run');
});

beforeEach(() => {
  vi.useFakeTimers();
  log = captureLog();
});

afterEach(() => {
  log.restore();
  vi.useRealTimers();
  process.exitCode = undefined;
});

describe('cleanup dry-run input', () => {
  it('should only list what would go when dry-run is not given', async () => {
    step({});
    const fake = account();

    await settle(run());

    expect(process.exitCode, log.text()).toBeUndefined();
    expect(fake.calls).toEqual([]);
    expect(fake.stacks[0]?.status).toBe('CREATE_COMPLETE');
    expect(log.text()).toContain('Cleanup of dev would do:');
    expect(readStepOutputs(files.output).count).toBe('1');
    expect(readFileSync(files.summary, 'utf8')).toContain('(dry run: nothing changed)');
  });

  it.each(['yes', 'no', '0', '1', 'False', 'TRUE', 'flase', 'off'])(
    "should fail before looking at anything when dry-run is '%s'",
    async (value) => {
      step({ 'dry-run': value });
      const fake = account();

      await settle(run());

      expect(process.exitCode).toBe(1);
      expect(log.text()).toContain(
        `::error::Input 'dry-run': expected exactly true (only list) or false (delete), found '${value}'`,
      );
      expect(fake.cfn.calls()).toHaveLength(0);
      expect(fake.calls).toEqual([]);
    },
  );

  it('should delete only when dry-run is exactly false', async () => {
    step({ 'dry-run': 'false' });
    const fake = account();

    await settle(run());

    expect(process.exitCode, log.text()).toBeUndefined();
    expect(fake.calls).toEqual(['DeleteStack dev-network']);
    expect(fake.stacks[0]?.status).toBe('DELETE_COMPLETE');
  });
});
