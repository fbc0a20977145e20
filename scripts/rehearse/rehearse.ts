import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { type DeployConfig, loadDeployConfig } from '../../deploy/config.js';
import type { PrunedService } from '../../deploy/prune.js';
import { startMoto } from '../../test/support/moto.js';
import { deployPass, liveStacks, type PassContext, prune } from './deploy-pass.js';
import { emulatorClients } from './emulator.js';
import { CLEANUP_SEQUENCE, DEPLOY_SEQUENCE, StepRunner, sequenceMismatches } from './sequence.js';

/** What `npm run rehearse` found. */
export interface RehearsalResult {
  runner: StepRunner;
  /** Honest notes on what moto made us do differently from the workflow. */
  notes: string[];
  /** Per pass, the differences between what ran and DEPLOY_SEQUENCE (empty when they agree). */
  mismatches: string[];
  /** The final cleanup's `count` output: 0 when the ones before left nothing behind. */
  finalCleanupCount: string;
  /** What each pass's prune step removed (services the pass's config no longer names). */
  removed: Array<PrunedService & { pass: string }>;
  /** Stacks of the environment still there after the cleanup (must be none). */
  leftoverStacks: string[];
}

/**
 * Runs the deploy workflow's sequence twice (create, then a re-run that finds everything and
 * updates it) and the cleanup workflow twice against a fresh moto server.
 */
export async function rehearse(options: {
  log: (line: string) => void;
  /** After the create and update passes, deploy once more without this service (it must be removed). */
  remove?: string;
}): Promise<RehearsalResult> {
  const { log } = options;
  const removedServices: RehearsalResult['removed'] = [];
  const config = loadDeployConfig();
  const notes: string[] = [];
  if (config.region !== 'us-east-1')
    notes.push(
      `deploy/config.yml says ${config.region}; rehearsed in us-east-1 (moto's Fn::GetAZs knows only us-east-1).`,
    );
  const native = Object.entries(config.services).filter(([, s]) => s.strategy !== 'ROLLING');
  if (native.length > 0) {
    notes.push(
      `${native.map(([n, s]) => `${n} (${s.strategy})`).join(', ')} rehearsed as ROLLING: moto has no service deployments (ListServiceDeployments answers 500), so native strategies are covered by ecs-deploy's scripted tests only.`,
    );
  }
  notes.push(
    "moto's CloudFormation ignores the VPC's EnableDnsHostnames (and awsvpc RunTask then fails): the rehearsal turns it on after the network stack, as network.yml declares.",
  );
  notes.push(
    'The update pass re-runs the same commit: moto never moves a service deployment to a new task definition after UpdateService (DESIGN.md), so a new revision would look like a circuit-breaker rollback there.',
  );
  notes.push(
    "moto skips AWS::CloudWatch::Alarm and its ECS watches no deployment alarms: the services are created with deploymentConfiguration.alarms naming alarms moto does not hold, and a rollback on alarms is covered by ecs-deploy's scripted tests only.",
  );
  // moto's services report this many running tasks: with it a deployment of desiredCount 1 completes.
  process.env.MOTO_ECS_SERVICE_RUNNING = '1';
  const moto = await startMoto();
  const workDir = mkdtempSync(join(tmpdir(), 'rehearse-'));
  const runner = new StepRunner({ ...moto.env, RUNNER_TEMP: workDir, ENVIRONMENT_NAME: config.environment }, log);
  const mismatches: string[] = [];
  let finalCleanupCount = '';
  let leftoverStacks: string[] = [];
  try {
    const clients = emulatorClients(moto.endpoint);
    const cloudFormation = new CloudFormationClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const passes: Array<{ pass: string; config: DeployConfig }> = [
      { pass: 'create', config },
      { pass: 'update', config },
    ];
    if (options.remove) {
      if (!config.services[options.remove]) {
        throw new Error(`Expected --remove to name a service of deploy/config.yml, found '${options.remove}'.`);
      }
      const { [options.remove]: _removed, ...kept } = config.services;
      passes.push({ pass: `remove-${options.remove}`, config: { ...config, services: kept } });
    }
    for (const { pass, config: passConfig } of passes) {
      const ctx: PassContext = {
        pass,
        config: passConfig,
        clients,
        cloudFormation,
        runner,
        workDir,
        log,
        commit: 'c0ffee0000000000000000000000000000000001',
        cluster: `${config.environment}-cluster`,
      };
      const removed = await deployPass(ctx);
      for (const entry of removed) {
        log(
          `  ok   prepare › removed ${entry.service}: ECS service ${entry.ecsService}, stacks ${entry.stacks.join(', ')}`,
        );
      }
      removedServices.push(...removed.map((entry) => ({ pass, ...entry })));
      const expected = pass === `remove-${options.remove}` ? [options.remove] : [];
      const got = removed.map((entry) => entry.service);
      if (got.join(',') !== expected.join(',')) {
        mismatches.push(`${pass}: prune removed [${got.join(', ')}], expected [${expected.join(', ')}]`);
      }
      for (const problem of sequenceMismatches(DEPLOY_SEQUENCE, runner.actionsByLeg(pass)))
        mismatches.push(`${pass}: ${problem}`);
    }
    notes.push(
      "moto ignores the service repositories' EmptyOnDelete (deleting a stack whose repository holds images fails there): the rehearsal empties a removed service's repository before prune deletes its stack, as AWS does during the deletion.",
    );
    // What cleanup.yml runs before the cleanup action: the service stacks go first (they import
    // the platform's exports, so real CloudFormation refuses the platform's deletion before).
    log('\n== cleanup.yml: deploy/prune.ts --all, then the cleanup action until a run finds nothing');
    const pruned = await prune(
      { pass: 'cleanup', config, clients, cloudFormation, runner, workDir, log, commit: '', cluster: '' },
      [],
    );
    for (const entry of pruned) log(`  ok   cleanup › removed ${entry.service}: stacks ${entry.stacks.join(', ')}`);
    log('\n== cleanup.yml, until a run finds nothing');
    const inputs = {
      environment: config.environment,
      confirm: config.environment,
      // The action lists only unless told otherwise (fail closed).
      'dry-run': 'false',
      'keep-data': 'false',
      timeout: '2m',
    };
    const first = await runner.run({
      pass: 'cleanup',
      job: 'cleanup',
      action: 'cleanup',
      title: 'cleanup',
      inputs,
      allowFailure: true,
    });
    if (first.code !== 0) {
      // moto gap: DeleteStack of network.yml deletes the VPC before its subnets, answers "has
      // dependencies" and drops the stack record anyway. Real CloudFormation orders the deletes.
      if (!first.log.includes(`CloudFormation refused to delete stack ${config.environment}-network`)) {
        throw new Error(`cleanup failed for a reason other than moto's network deletion gap:\n${first.log}`);
      }
      notes.push(
        "The first cleanup stopped at moto's refusal to delete the network stack's VPC before its subnets (a moto gap); as its message says, it was run again to finish, and then once more, which must find nothing.",
      );
      await runner.run({
        pass: 'cleanup-rerun',
        job: 'cleanup',
        action: 'cleanup',
        title: 'cleanup rerun (finishes after the moto gap)',
        inputs,
      });
    }
    const second = await runner.run({
      pass: 'cleanup-again',
      job: 'cleanup',
      action: 'cleanup',
      title: 'cleanup again (must be a no-op)',
      inputs,
    });
    finalCleanupCount = second.outputs.count ?? '';
    if (finalCleanupCount !== '0')
      mismatches.push(`the final cleanup deleted ${finalCleanupCount} resource(s), expected 0`);
    for (const problem of sequenceMismatches(CLEANUP_SEQUENCE, runner.actionsByLeg('cleanup')))
      mismatches.push(`cleanup: ${problem}`);
    leftoverStacks = await liveStacks(cloudFormation, config.environment);
    if (leftoverStacks.length > 0) mismatches.push(`stacks left after the cleanup: ${leftoverStacks.join(', ')}`);
  } finally {
    await moto.stop();
  }
  return { runner, notes, mismatches, finalCleanupCount, removed: removedServices, leftoverStacks };
}
