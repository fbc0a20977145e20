// One pass of one environment's jobs (.github/workflows/environment.yml, which deploy.yml calls) in
// the rehearsal, each project action run as the runner runs it: prepare (deploy/prune.ts, network
// and platform stacks), then per service its leg: service stack, image, render, seed, deploy,
// scaling.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CloudFormationClient, paginateListStacks } from '@aws-sdk/client-cloudformation';
import { type DeployConfig, serviceStackNames } from '../../deploy/config.js';
import {
  parameterLines,
  repoRoot,
  scalingStackParameters,
  serviceDefinitions,
  serviceStackParameters,
  taskDefinitions,
} from '../../deploy/pipeline.js';
import { type PrunedService, pruneRemovedServices, servicesWithStacks } from '../../deploy/prune.js';
import {
  applyVpcDnsHostnames,
  type EmulatorClients,
  emptyRepository,
  pickTaskDefinition,
  productionTargetGroup,
  recordImage,
} from './emulator.js';
import type { StepRunner } from './sequence.js';

const file = (...parts: string[]) => join(repoRoot, ...parts);
// The rehearsal polls fast; the workflow keeps the actions' defaults (15 s polls, 30 m timeouts).
const FAST = { 'poll-interval': '200ms', timeout: '45s' };

/** What every step of one pass needs. */
export interface PassContext {
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

/** The environment's stacks that still exist, by name. */
export async function liveStacks(cloudFormation: CloudFormationClient, environment: string): Promise<string[]> {
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
export async function prune(ctx: PassContext, keep: string[]): Promise<PrunedService[]> {
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

/** The prepare job: network and platform stacks. */
async function infra(ctx: PassContext): Promise<void> {
  const { config, runner, pass } = ctx;
  const network = await runner.run({
    pass,
    job: 'prepare',
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
    job: 'prepare',
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

/** A leg's service stack step; returns the stack's outputs. */
async function serviceStack(ctx: PassContext, service: string): Promise<Record<string, string>> {
  const stackName = serviceStackNames(ctx.config.environment, service).service;
  const run = await ctx.runner.run({
    pass: ctx.pass,
    job: 'services',
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
 * A leg's image: no Docker here, so it is recorded in the emulator's ECR by PutImage under the
 * commit tag, then deployed by digest.
 */
async function build(ctx: PassContext, service: string, stack: Record<string, string>): Promise<string> {
  const uri = stack.RepositoryUri;
  if (!uri) throw new Error(`the stack of ${service} has no RepositoryUri output`);
  const repositoryName = stack.RepositoryName ?? '';
  const digest = await recordImage(ctx.clients, { repositoryName, tag: ctx.commit, service });
  return `${uri}@${digest}`;
}

/** The changes job's task definition at the configured size, written to a file as the deploy job does. */
function taskDefinitionFile(ctx: PassContext, service: string): string {
  const out = join(ctx.workDir, `${ctx.pass}-${service}-task-definition.json`);
  writeFileSync(out, JSON.stringify(taskDefinitions(ctx.config)[service], null, 2));
  return out;
}

/** render-task-definition with image@digest; returns its deploy-task-definition output. */
async function render(ctx: PassContext, service: string, image: string): Promise<string> {
  const rendered = await ctx.runner.run({
    pass: ctx.pass,
    job: 'services',
    leg: service,
    action: 'render-task-definition',
    title: `render ${service} with @${image.split('@sha256:')[1]?.slice(0, 12)}`,
    inputs: {
      'task-definition': taskDefinitionFile(ctx, service),
      stacks: stacksOf(ctx, service),
      images: `${service}=${image}`,
    },
  });
  const picked = rendered.outputs['deploy-task-definition'] ?? '';
  // The output and the rehearsal's own look-up must agree (the workflow relies on the output).
  const expected = await pickTaskDefinition(ctx.clients, {
    changed: rendered.outputs.changed ?? '',
    taskDefinition: rendered.outputs['task-definition'] ?? '',
    family: rendered.outputs.family ?? '',
  });
  if (picked !== expected) throw new Error(`render's deploy-task-definition is ${picked}, expected ${expected}`);
  return picked;
}

/** The changes job's `service-definitions` output, written to a file as the deploy job does. */
function serviceDefinition(ctx: PassContext, service: string): string {
  // Rehearsed in ROLLING whatever the config says (see the notes).
  const definition = serviceDefinitions(ctx.config, 'ROLLING')[service];
  const out = join(ctx.workDir, `${ctx.pass}-${service}-service.json`);
  writeFileSync(out, JSON.stringify(definition, null, 2));
  return out;
}

/** The seed step; returns the revision it ran on (the deploy step deploys that one). */
async function seed(ctx: PassContext, service: string, taskDefinition: string): Promise<string> {
  const command = ctx.config.services[service]?.seed ?? '';
  const run = await ctx.runner.run({
    pass: ctx.pass,
    job: 'services',
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
  return run.outputs['task-definition-arn'] || taskDefinition;
}

async function deploy(ctx: PassContext, service: string, taskDefinition: string): Promise<void> {
  await ctx.runner.run({
    pass: ctx.pass,
    job: 'services',
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
    job: 'services',
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

/** One run of one environment's jobs with `config`; returns what its prune step removed. */
export async function deployPass(ctx: PassContext): Promise<PrunedService[]> {
  const { config, pass, log } = ctx;
  log(`\n== environment.yml, ${pass} pass (${Object.keys(config.services).join(', ')})`);
  const removed = await prune(ctx, Object.keys(config.services));
  await infra(ctx);
  for (const [service, entry] of Object.entries(config.services)) {
    const stack = await serviceStack(ctx, service);
    const image = await build(ctx, service, stack);
    log(`  ok   services › ${service} image recorded as ${image}`);
    let taskDefinition = await render(ctx, service, image);
    if (entry.seed !== undefined) taskDefinition = await seed(ctx, service, taskDefinition);
    await deploy(ctx, service, taskDefinition);
    await scaling(ctx, service);
  }
  return removed;
}
