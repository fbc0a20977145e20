import { describe, expect, it } from 'vitest';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { run } from '../src/main.js';
import { fakeService } from './support/fake-ecs.js';
import { account, ecsWith, networkStack, platformStack, serviceStack } from './support/fake-environment.js';

/*
 * A cleanup that finishes what an earlier, interrupted run (or a hand in the console) left behind.
 * ECS states moto cannot reach (DRAINING services; moto's DeleteService makes a service INACTIVE at
 * once and its ListServices lists INACTIVE ones) and CloudFormation's DELETE_IN_PROGRESS, scripted
 * from the API references: DeleteService, DescribeServices, UpdateService (ServiceNotActiveException),
 * ListServices, DeleteTaskDefinitions, DescribeStacks, ListImages (see support/fake-ecs.ts).
 */

const cleanup = useActionStep({
  action: 'cleanup',
  defaults: { environment: 'dev', confirm: 'dev', 'dry-run': 'false' },
});

describe('cleanup of services an earlier run left', () => {
  it('should find a DRAINING service ListServices no longer lists and wait for it before deleting the stacks', async () => {
    cleanup.start();
    // The earlier run deleted like (now DRAINING, invisible to ListServices) and stopped before monolith.
    const ecs = ecsWith([
      fakeService({ name: 'like', status: 'DRAINING', desiredCount: 0 }),
      fakeService({ name: 'monolith' }),
    ]);
    const fake = account(ecs);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls).toEqual([
      'DeleteService monolith force',
      'DeregisterTaskDefinition dev-like:1',
      'DeregisterTaskDefinition dev-monolith:1',
      'DeleteTaskDefinitions dev-like:1',
      'DeleteTaskDefinitions dev-monolith:1',
      'BatchDeleteImage dev/like 1',
      'BatchDeleteImage dev/monolith 1',
      'DeleteStack dev-service-like',
      'DeleteStack dev-service-monolith',
      'DeleteStack dev-platform',
      'DeleteStack dev-network',
    ]);
    expect(ecs.services.map((s) => `${s.name} ${s.status}`)).toEqual(['like INACTIVE', 'monolith INACTIVE']);
    expect(cleanup.log()).toContain('like DRAINING');
    expect(JSON.parse(cleanup.outputs().resources ?? '[]').slice(0, 2)).toEqual([
      { kind: 'ECS service', name: 'monolith', action: 'delete (force)' },
      { kind: 'ECS service', name: 'like', action: 'wait until INACTIVE (already deleted, DRAINING)' },
    ]);
  });

  it('should not scale a DRAINING service that ListServices still lists (no UpdateService: ServiceNotActiveException)', async () => {
    cleanup.start();
    const ecs = ecsWith([fakeService({ name: 'like', status: 'DRAINING', desiredCount: 0, stillListed: true })]);
    const fake = account(ecs);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls.filter((c) => c.startsWith('UpdateService') || c.startsWith('DeleteService'))).toEqual([]);
    expect(ecs.services[0]?.status).toBe('INACTIVE');
    expect(fake.stacks.map((s) => s.status)).toEqual(['DELETE_COMPLETE', 'DELETE_COMPLETE', 'DELETE_COMPLETE']);
  });

  it('should delete an ACTIVE service with DeleteService force alone, never UpdateService', async () => {
    cleanup.start();
    const ecs = ecsWith([fakeService({ name: 'monolith', desiredCount: 3 })]);
    const fake = account(ecs);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls.slice(0, 1)).toEqual(['DeleteService monolith force']);
    expect(fake.calls.some((c) => c.startsWith('UpdateService'))).toBe(false);
  });

  it('should skip INACTIVE services found by name and a cluster already gone', async () => {
    cleanup.start();
    const inactive = ecsWith([fakeService({ name: 'like', status: 'INACTIVE', desiredCount: 0 })]);
    const first = account(inactive);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(first.calls.filter((c) => c.includes('Service'))).toEqual([]);

    cleanup.start();
    const gone = ecsWith([], { cluster: { name: 'dev-cluster', exists: false } });
    const second = account(gone);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(second.calls).toEqual(['DeleteStack dev-platform', 'DeleteStack dev-network']);
  });

  it('should fail on the timeout while a service stays DRAINING, stacks untouched', async () => {
    cleanup.start({ timeout: '1m' });
    const ecs = ecsWith([fakeService({ name: 'like', status: 'DRAINING', desiredCount: 0, drainPolls: 1_000 })]);
    const fake = account(ecs);

    await cleanup.run(run);

    expect(process.exitCode).toBe(1);
    expect(cleanup.log()).toMatch(
      /::error::Timed out after 1m00s waiting for 1 service\(s\) to become INACTIVE \(last seen: like DRAINING\)/,
    );
    expect(fake.calls.filter((c) => c.startsWith('DeleteStack') || c.startsWith('DeleteTaskDefinitions'))).toEqual([]);
  });

  it('should stop before any other deletion when DeleteService fails for another reason', async () => {
    cleanup.start();
    const denied = Object.assign(
      new Error(
        'User: arn:aws:sts::123456789012:assumed-role/dev-deploy/gha is not authorized to perform: ecs:DeleteService',
      ),
      { name: 'ClientException' },
    );
    const ecs = ecsWith([fakeService({ name: 'monolith' })], { deleteServiceError: denied });
    const fake = account(ecs);

    await cleanup.run(run);

    expect(process.exitCode).toBe(1);
    expect(fake.calls).toEqual(['DeleteService monolith force']);
    expect(cleanup.log()).toContain('not authorized to perform: ecs:DeleteService');
  });
});

describe('cleanup of task definitions, images and stacks an earlier run left', () => {
  it('should leave DELETE_IN_PROGRESS revisions alone, delete INACTIVE ones, deregister and delete ACTIVE ones', async () => {
    cleanup.start();
    const ecs = ecsWith([], {
      revisions: [
        { family: 'dev-like', revision: 1, status: 'DELETE_IN_PROGRESS' },
        { family: 'dev-like', revision: 2, status: 'INACTIVE' },
        { family: 'dev-like', revision: 3, status: 'ACTIVE' },
      ],
    });
    const fake = account(ecs);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls.filter((c) => c.includes('TaskDefinition'))).toEqual([
      'DeregisterTaskDefinition dev-like:3',
      'DeleteTaskDefinitions dev-like:3',
      'DeleteTaskDefinitions dev-like:2',
    ]);
    expect(ecs.revisions.map((r) => r.status)).toEqual([
      'DELETE_IN_PROGRESS',
      'DELETE_IN_PROGRESS',
      'DELETE_IN_PROGRESS',
    ]);
  });

  it('should pass over a repository already deleted, and one deleted while the cleanup runs', async () => {
    cleanup.start();
    const ecs = ecsWith([], {
      repositories: [
        { name: 'dev/like', exists: false, digests: [] },
        { name: 'dev/monolith', exists: true, digests: ['sha256:aa'], vanishesAfterList: true },
      ],
    });
    const stacks = [serviceStack(ecs, 'like'), serviceStack(ecs, 'monolith'), platformStack(ecs), networkStack()];
    const fake = account(ecs, stacks);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls).toEqual([
      'BatchDeleteImage dev/monolith 1',
      'DeleteStack dev-service-like',
      'DeleteStack dev-service-monolith',
      'DeleteStack dev-platform',
      'DeleteStack dev-network',
    ]);
    expect(cleanup.log()).toContain('Repository dev/monolith is already gone.');
  });

  it('should wait for a stack an earlier run left DELETE_IN_PROGRESS without deleting it again', async () => {
    cleanup.start();
    const ecs = ecsWith([], { cluster: { name: 'dev-cluster', exists: false } });
    const platform = platformStack(ecs);
    Object.assign(platform, { status: 'DELETE_IN_PROGRESS', pending: ['DELETE_IN_PROGRESS', 'DELETE_IN_PROGRESS'] });
    platform.final = 'DELETE_COMPLETE';
    const fake = account(ecs, [platform, networkStack()]);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls).toEqual(['DeleteStack dev-network']);
    expect(cleanup.log()).toContain('dev-platform is already being deleted (DELETE_IN_PROGRESS)');
    expect(cleanup.log()).toContain('Deleted stack dev-platform.');
  });

  it('should pass over a stack whose deletion finished between ListStacks and DescribeStacks', async () => {
    cleanup.start();
    const ecs = ecsWith([], { cluster: { name: 'dev-cluster', exists: false } });
    const platform = platformStack(ecs);
    Object.assign(platform, { status: 'DELETE_IN_PROGRESS', pending: [], final: 'DELETE_COMPLETE' });
    const fake = account(ecs, [platform, networkStack()]);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls).toEqual(['DeleteStack dev-network']);
  });

  it('should delete a stack left DELETE_FAILED once what blocked it is gone', async () => {
    cleanup.start();
    const ecs = ecsWith([fakeService({ name: 'like', status: 'DRAINING', desiredCount: 0 })]);
    const platform = platformStack(ecs);
    Object.assign(platform, { status: 'DELETE_FAILED', final: 'DELETE_FAILED' });
    const fake = account(ecs, [platform, networkStack()]);

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(fake.calls.filter((c) => c.startsWith('DeleteStack'))).toEqual([
      'DeleteStack dev-platform',
      'DeleteStack dev-network',
    ]);
    expect(fake.stacks.map((s) => s.status)).toEqual(['DELETE_COMPLETE', 'DELETE_COMPLETE']);
  });
});
