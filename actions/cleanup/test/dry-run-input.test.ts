import { describe, expect, it } from 'vitest';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { run } from '../src/main.js';
import { fakeAccount, fakeStack } from './support/fake-aws.js';

/*
 * dry-run fails closed (issue 11 item 7): a caller that passes nothing, or a value that is not the
 * word true or false (a mangled boolean, `yes`, `0`), must never delete. CloudFormation and DynamoDB
 * scripted as in cleanup-scripted.test.ts (DescribeStacks, DeleteStack, DescribeTable).
 */

function account() {
  const network = fakeStack({
    name: 'dev-network',
    resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC', physicalId: 'vpc-0a1b2c3d4e5f67890' }],
  });
  return fakeAccount({ stacks: [network], table: { name: 'dev-mysfits', exists: false, deletionProtection: false } });
}

const cleanup = useActionStep({ action: 'cleanup', defaults: { environment: 'dev', confirm: 'dev' } });

describe('cleanup dry-run input', () => {
  it('should only list what would go when dry-run is not given', async () => {
    cleanup.start({});
    const fake = account();

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls).toEqual([]);
    expect(fake.stacks[0]?.status).toBe('CREATE_COMPLETE');
    expect(cleanup.log()).toContain('Cleanup of dev would do:');
    expect(cleanup.outputs().count).toBe('1');
    expect(cleanup.summary()).toContain('(dry run: nothing changed)');
  });

  it.each(['yes', 'no', '0', '1', 'False', 'TRUE', 'flase', 'off'])(
    "should fail before looking at anything when dry-run is '%s'",
    async (value) => {
      cleanup.start({ 'dry-run': value });
      const fake = account();

      await cleanup.run(run);

      expect(process.exitCode).toBe(1);
      expect(cleanup.log()).toContain(
        `::error::Input 'dry-run': expected exactly true (only list) or false (delete), found '${value}'`,
      );
      expect(fake.cfn.calls()).toHaveLength(0);
      expect(fake.calls).toEqual([]);
    },
  );

  it('should delete only when dry-run is exactly false', async () => {
    cleanup.start({ 'dry-run': 'false' });
    const fake = account();

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls).toEqual(['DeleteStack dev-network']);
    expect(fake.stacks[0]?.status).toBe('DELETE_COMPLETE');
  });
});
