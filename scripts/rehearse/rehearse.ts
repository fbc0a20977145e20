import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, paginateListStacks } from '@aws-sdk/client-cloudformation';
import { type DeployConfig, loadDeployConfig, serviceStackNames } from '../../deploy/config.js';
import {
  parameterLines,
  repoRoot,
  scalingStackParameters,
  serviceDefinitions,
  serviceStackParameters,
  taskDefinitions,
} from '../../deploy/pipeline.js';
import { type PrunedService, pruneRemovedServices, servicesWithStacks } from '../../deploy/prune.js';
import { startMoto } from '../../test/support/moto.js';
import {
  applyVpcDnsHostnames,
  type EmulatorClients,
  emptyRepository,
  emulatorClients,
  pickTaskDefinition,
  productionTargetGroup,
  recordImage,
} from './emulator.js';
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

const file = (...parts: string[]) => join(repoRoot, ...parts);
// The rehearsal polls fast; the workflow keeps the actions' defaults (15 s polls, 30 m timeouts).
const FAST = { 'poll-interval': '200ms', timeout: '45s' };

interface PassContext {
  pass: string;
  config: DeployConfig;
  clients: EmulatorClients;
  cloudFormation: CloudFormationClient;
  runner: StepRunner;
  workDir: string;
  commit: string;
  cluster: string;
  log: (line: string) => void;
}

/** The `stacks` input of one service's render and ecs-deploy steps. */
function stacksOf(ctx: PassContext, service: string): string {
  const env = ctx.config.environment;
  return `network=${env}-network\nplatform=${env}-platform\nservice=${serviceStackNames(env, service).service}`;
}

async function liveStacks(cloudFormation: CloudFormationClient, environment: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListStacks({ client: cloudFormation }, {})) {
    for (const summary of page.StackSummaries ?? []) {
      if (summary.StackStatus !== 'DELETE_COMPLETE' && summary.StackName?.startsWith(`${environment}-`)) {
        names.push(summary.StackName);
      }
    }
  }
  return names.sort();
}

/** The infra job's first step: services the config no longer names lose their stacks and ECS service. */
async function prune(ctx: PassContext, keep: string[]): Promise<PrunedService[]> {
  for (const service of await servicesWithStacks(ctx.cloudFormation, ctx.config.environment)) {
    if (!keep.includes(service)) await emptyRepository(ctx.clients, `${ctx.config.environment}/${service}`);
  }
  const removed = await pruneRemovedServices({
    environment: ctx.config.environment,
    keep,
    clients: { cloudFormation: ctx.cloudFormation, ecs: ctx.clients.ecs },
    log: (line) => ctx.log(`  ${line}`),
    pollSeconds: 1,
    maxWaitSeconds: 30,
  });
  return removed;
}

/** The infra job: network and platform stacks. */
async function infra(ctx: PassContext): Promise<void> {
  const { config, runner, pass } = ctx;
  const network = await runner.run({
    pass,
    job: 'infra',
    action: 'cfn-deploy',
    title: `stack ${config.environment}-network`,
    inputs: {
      'stack-name': `${config.environment}-network`,
      template: file('cloudformation', 'network.yml'),
      parameters: `EnvironmentName=${config.environment}\nNatGatewayCount=${config.natGatewayCount}`,
    },
  });
  await applyVpcDnsHostnames(ctx.clients, network.outputs.VpcId ?? '');
  await runner.run({
    pass,
    job: 'infra',
    action: 'cfn-deploy',
    title: `stack ${config.environment}-platform`,
    inputs: {
      'stack-name': `${config.environment}-platform`,
      template: file('cloudformation', 'platform.yml'),
      parameters: `EnvironmentName=${config.environment}`,
      capabilities: 'CAPABILITY_IAM',
    },
  });
}

/** The service-stack job, one leg per service; returns each stack's outputs. */
async function serviceStack(ctx: PassContext, service: string): Promise<Record<string, string>> {
  const stackName = serviceStackNames(ctx.config.environment, service).service;
  const run = await ctx.runner.run({
    pass: ctx.pass,
    job: 'service-stack',
    leg: service,
    action: 'cfn-deploy',
    title: `stack ${stackName}`,
    inputs: {
      'stack-name': stackName,
      template: file('cloudformation', 'service.yml'),
      parameters: parameterLines(serviceStackParameters(ctx.config, service)),
      capabilities: 'CAPABILITY_IAM',
    },
  });
  return JSON.parse(run.outputs.outputs ?? '{}') as Record<string, string>;
}

/**
 * The build job: no Docker here, so the image is recorded in the emulator's ECR by PutImage. The
 * deploy legs find it again by the commit tag, as the workflow's legs do.
 */
async function build(
  ctx: PassContext,
  stacks: Record<string, Record<string, string>>,
): Promise<Record<string, string>> {
  const images: Record<string, string> = {};
  for (const service of Object.keys(ctx.config.services)) {
    const uri = stacks[service]?.RepositoryUri;
    if (!uri) throw new Error(`the stack of ${service} has no RepositoryUri output`);
    const repositoryName = stacks[service]?.RepositoryName ?? '';
    const digest = await recordImage(ctx.clients, { repositoryName, tag: ctx.commit, service });
    images[service] = `${uri}@${digest}`;
  }
  return images;
}

/** The changes job's task definition at the configured size, written to a file as the deploy job does. */
function taskDefinitionFile(ctx: PassContext, service: string): string {
  const out = join(ctx.workDir, `${ctx.pass}-${service}-task-definition.json`);
  writeFileSync(out, JSON.stringify(taskDefinitions(ctx.config)[service], null, 2));
  return out;
}

/** render-task-definition with image@digest, then the workflow's pick step; returns what ecs-deploy gets. */
async function render(ctx: PassContext, job: string, service: string, image: string): Promise<string> {
  const rendered = await ctx.runner.run({
    pass: ctx.pass,
    job,
    leg: service,
    action: 'render-task-definition',
    title: `render ${service} with @${image.split('@sha256:')[1]?.slice(0, 12)}`,
    inputs: {
      'task-definition': taskDefinitionFile(ctx, service),
      stacks: stacksOf(ctx, service),
      images: `${service}=${image}`,
    },
  });
  return pickTaskDefinition(ctx.clients, {
    changed: rendered.outputs.changed ?? '',
    taskDefinition: rendered.outputs['task-definition'] ?? '',
    family: rendered.outputs.family ?? '',
  });
}

/** The changes job's `service-definitions` output, written to a file as the deploy job does. */
function serviceDefinition(ctx: PassContext, service: string): string {
  // Rehearsed in ROLLING whatever the config says (see the notes).
  const definition = serviceDefinitions(ctx.config, 'ROLLING')[service];
  const out = join(ctx.workDir, `${ctx.pass}-${service}-service.json`);
  writeFileSync(out, JSON.stringify(definition, null, 2));
  return out;
}

async function seed(ctx: PassContext, service: string, image: string): Promise<void> {
  const command = ctx.config.services[service]?.seed ?? '';
  const taskDefinition = await render(ctx, 'seed', service, image);
  await ctx.runner.run({
    pass: ctx.pass,
    job: 'seed',
    leg: service,
    action: 'ecs-deploy',
    title: `run-task ${command}`,
    inputs: {
      cluster: ctx.cluster,
      'task-definition': taskDefinition,
      'service-definition': serviceDefinition(ctx, service),
      stacks: stacksOf(ctx, service),
      'run-task': 'true',
      command,
      container: service,
      ...FAST,
    },
  });
}

async function deploy(ctx: PassContext, service: string, image: string): Promise<void> {
  const taskDefinition = await render(ctx, 'deploy', service, image);
  await ctx.runner.run({
    pass: ctx.pass,
    job: 'deploy',
    leg: service,
    action: 'ecs-deploy',
    title: `service ${service}`,
    inputs: {
      cluster: ctx.cluster,
      service,
      'task-definition': taskDefinition,
      'service-definition': serviceDefinition(ctx, service),
      stacks: stacksOf(ctx, service),
      ...FAST,
    },
  });
}

async function scaling(ctx: PassContext, service: string): Promise<void> {
  // An internal service has no target group: it scales on CPU only (the workflow maps None to '').
  const targetGroup = await productionTargetGroup(ctx.clients, { cluster: ctx.cluster, service });
  const stackName = serviceStackNames(ctx.config.environment, service).scaling;
  await ctx.runner.run({
    pass: ctx.pass,
    job: 'scaling',
    leg: service,
    action: 'cfn-deploy',
    title: `stack ${stackName}`,
    inputs: {
      'stack-name': stackName,
      template: file('cloudformation', 'scaling.yml'),
      parameters: parameterLines({ ...scalingStackParameters(ctx.config, service), TargetGroupArn: targetGroup }),
    },
  });
}

/** One run of deploy.yml's sequence with `config`; returns what its prune step removed. */
async function deployPass(ctx: PassContext): Promise<PrunedService[]> {
  const { config, pass, log } = ctx;
  log(`\n== deploy.yml, ${pass} pass (${Object.keys(config.services).join(', ')})`);
  const removed = await prune(ctx, Object.keys(config.services));
  await infra(ctx);
  const stacks: Record<string, Record<string, string>> = {};
  for (const service of Object.keys(config.services)) stacks[service] = await serviceStack(ctx, service);
  const images = await build(ctx, stacks);
  for (const [service, image] of Object.entries(images)) log(`  ok   build › ${service} recorded as ${image}`);
  for (const [service, entry] of Object.entries(config.services)) {
    if (entry.seed !== undefined) await seed(ctx, service, images[service] ?? '');
  }
  for (const service of Object.keys(config.services)) await deploy(ctx, service, images[service] ?? '');
  for (const service of Object.keys(config.services)) await scaling(ctx, service);
  return removed;
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
          `  ok   infra › removed ${entry.service}: ECS service ${entry.ecsService}, stacks ${entry.stacks.join(', ')}`,
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
