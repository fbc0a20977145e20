import { describe, expect, it } from 'vitest';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { run } from '../src/main.js';
import { fakeStack } from './support/fake-aws.js';
import { fakeService } from './support/fake-ecs.js';
import {
  account,
  ecsWith,
  networkStack,
  platformStack,
  resourceRows,
  scalingStack,
  serviceStack,
} from './support/fake-environment.js';

/*
 * One stack per service (cloudformation/service.yml, `<env>-service-<name>`), found by listing, never
 * by a list of service names. Scripted from the CloudFormation, ECS and ECR API references
 * (ListStacks, DescribeStacks, ListStackResources, DeleteStack, DeleteService, ListImages,
 * BatchDeleteImage; see support/): moto has no DELETE_FAILED and no export-in-use refusal.
 */

const cleanup = useActionStep({
  action: 'cleanup',
  defaults: { environment: 'dev', confirm: 'dev', 'dry-run': 'false' },
});
const rows = () => resourceRows(cleanup);

describe('cleanup of the service stacks', () => {
  it('should delete each service stack after the ECS services and the scaling stacks, before the platform and the network', async () => {
    cleanup.start();
    const ecs = ecsWith([fakeService({ name: 'like' }), fakeService({ name: 'worker' })]);
    // worker's outputs are missing (moto after a change set, a failed create): its repository is
    // still found among the stack's resources.
    const stacks = [
      scalingStack('like'),
      serviceStack(ecs, 'like'),
      serviceStack(ecs, 'worker', { outputs: false }),
      platformStack(ecs),
      networkStack(),
    ];
    const fake = account(ecs, stacks);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls.filter((c) => !c.includes('TaskDefinition'))).toEqual([
      'DeleteService like force',
      'DeleteService worker force',
      'BatchDeleteImage dev/like 1',
      'BatchDeleteImage dev/worker 1',
      'DeleteStack dev-scaling-like',
      'DeleteStack dev-service-like',
      'DeleteStack dev-service-worker',
      'DeleteStack dev-platform',
      'DeleteStack dev-network',
    ]);
    expect(fake.stacks.every((s) => s.status === 'DELETE_COMPLETE')).toBe(true);
    expect(ecs.repositories.map((r) => r.digests)).toEqual([[], []]);
    expect(rows().filter((r) => r.kind === 'Stack' || r.kind === 'ECR image')).toEqual([
      { kind: 'ECR image', name: 'dev/like@sha256:like', action: 'delete' },
      { kind: 'ECR image', name: 'dev/worker@sha256:worker', action: 'delete' },
      { kind: 'Stack', name: 'dev-scaling-like', action: 'delete' },
      { kind: 'Stack', name: 'dev-service-like', action: 'delete' },
      { kind: 'Stack', name: 'dev-service-worker', action: 'delete' },
      { kind: 'Stack', name: 'dev-platform', action: 'delete' },
      { kind: 'Stack', name: 'dev-network', action: 'delete' },
    ]);
  });

  it('should list the service stacks in a dry run and change nothing', async () => {
    cleanup.start({ 'dry-run': 'true' });
    const ecs = ecsWith([fakeService({ name: 'like' })]);
    const fake = account(ecs);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls).toEqual([]);
    expect(rows().map((r) => `${r.kind} ${r.name}`)).toContain('Stack dev-service-like');
    expect(fake.stacks.map((s) => s.status)).toEqual(['CREATE_COMPLETE', 'CREATE_COMPLETE', 'CREATE_COMPLETE']);
  });

  it('should find a DRAINING service by its service stack alone and wait for it before deleting that stack', async () => {
    cleanup.start();
    // No task definition left and no scaling stack: only the service stack names the service.
    const ecs = ecsWith([fakeService({ name: 'like', status: 'DRAINING', desiredCount: 0 })], { revisions: [] });
    const fake = account(ecs);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(cleanup.log()).toContain('like DRAINING');
    expect(ecs.services[0]?.status).toBe('INACTIVE');
    expect(fake.calls.filter((c) => c.startsWith('DeleteStack'))).toEqual([
      'DeleteStack dev-service-like',
      'DeleteStack dev-platform',
      'DeleteStack dev-network',
    ]);
  });

  it('should empty the repository of a service stack an earlier run left DELETE_FAILED on it, then delete it again', async () => {
    cleanup.start();
    const ecs = ecsWith([], {
      repositories: [{ name: 'dev/like', exists: true, digests: ['sha256:aa', 'sha256:bb'] }],
    });
    const service = serviceStack(ecs, 'like');
    const repository = service.resources.find((r) => r.logicalId === 'Repository');
    if (repository) repository.status = 'DELETE_FAILED';
    Object.assign(service, { status: 'DELETE_FAILED', final: 'DELETE_FAILED' });
    const fake = account(ecs, [service, platformStack(ecs), networkStack()]);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls).toEqual([
      'BatchDeleteImage dev/like 2',
      'DeleteStack dev-service-like',
      'DeleteStack dev-platform',
      'DeleteStack dev-network',
    ]);
    expect(fake.stacks.map((s) => s.status)).toEqual(['DELETE_COMPLETE', 'DELETE_COMPLETE', 'DELETE_COMPLETE']);
  });

  it("should leave a stack named like a service stack whose EnvironmentName is another environment's", async () => {
    cleanup.start();
    const ecs = ecsWith([]);
    // Environment `dev-service`'s network stack: `dev-service-network` reads as dev's service "network".
    const other = fakeStack({
      name: 'dev-service-network',
      parameters: { EnvironmentName: 'dev-service' },
      resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC', physicalId: 'vpc-0f0e0d0c0b0a09080' }],
    });
    const fake = account(ecs, [other, platformStack(ecs), networkStack()]);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls).not.toContain('DeleteStack dev-service-network');
    expect(other.status).toBe('CREATE_COMPLETE');
    expect(cleanup.log()).toContain(
      "::warning::Stack dev-service-network is named like a stack of environment dev but its EnvironmentName parameter is 'dev-service': left alone.",
    );
  });

  it("should fail at once, naming the importer, when a stack outside the environment imports the platform's exports", async () => {
    cleanup.start();
    const ecs = ecsWith([]);
    const importer = fakeStack({
      name: 'reporting',
      parameters: {},
      imports: ['dev-PublicListenerArn'],
      resources: [{ logicalId: 'Rule', type: 'AWS::ElasticLoadBalancingV2::ListenerRule', physicalId: 'rule-1' }],
    });
    const fake = account(ecs, [importer, platformStack(ecs), networkStack()]);

    await cleanup.run(run);

    expect(process.exitCode).toBe(1);
    expect(fake.calls.filter((c) => c.startsWith('DeleteStack'))).toEqual(['DeleteStack dev-platform']);
    expect(cleanup.log()).toContain(
      '::error::CloudFormation did not delete stack dev-platform (it stays CREATE_COMPLETE): Export dev-PublicListenerArn cannot be deleted as it is in use by reporting.',
    );
    expect(cleanup.log()).not.toContain('Timed out');
    expect(fake.stacks.map((s) => s.status)).toEqual(['CREATE_COMPLETE', 'CREATE_COMPLETE', 'CREATE_COMPLETE']);
  });
});
