import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DeployConfig, loadDeployConfig, repoRoot, serviceDefinitions } from '../../deploy/pipeline.js';
import { startMoto } from '../../test/support/moto.js';
import {
  applyVpcDnsHostnames,
  type EmulatorClients,
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
}

const file = (...parts: string[]) => join(repoRoot, ...parts);
// The rehearsal polls fast; the workflow keeps the actions' defaults (15 s polls, 30 m timeouts).
const FAST = { 'poll-interval': '200ms', timeout: '45s' };

interface PassContext {
  pass: string;
  config: DeployConfig;
  clients: EmulatorClients;
  runner: StepRunner;
  workDir: string;
  commit: string;
  stacks: string;
  cluster: string;
}

/** The infra job; returns the platform stack's outputs. */
async function infra(ctx: PassContext): Promise<Record<string, string>> {
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
  const platform = await runner.run({
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
  return JSON.parse(platform.outputs.outputs ?? '{}') as Record<string, string>;
}

/** The build job: no Docker here, so the image is recorded in the emulator's ECR by PutImage. */
async function build(ctx: PassContext, platform: Record<string, string>): Promise<Record<string, string>> {
  const images: Record<string, string> = {};
  for (const service of Object.keys(ctx.config.services)) {
    const repositoryName = `${ctx.config.environment}/${service}`;
    const digest = await recordImage(ctx.clients, { repositoryName, tag: ctx.commit, service });
    const uri = platform[`${service.charAt(0).toUpperCase()}${service.slice(1)}RepositoryUri`];
    if (!uri) throw new Error(`the platform stack has no repository URI output for ${service}`);
    images[service] = `${uri}@${digest}`;
  }
  return images;
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
      'task-definition': file('services', service, 'deploy', 'task-definition.yml'),
      stacks: ctx.stacks,
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

async function seed(ctx: PassContext, image: string): Promise<void> {
  const taskDefinition = await render(ctx, 'seed', 'monolith', image);
  await ctx.runner.run({
    pass: ctx.pass,
    job: 'seed',
    leg: 'monolith',
    action: 'ecs-deploy',
    title: 'run-task node server.js seed',
    inputs: {
      cluster: ctx.cluster,
      'task-definition': taskDefinition,
      'service-definition': serviceDefinition(ctx, 'monolith'),
      stacks: ctx.stacks,
      'run-task': 'true',
      command: 'node server.js seed',
      container: 'monolith',
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
      stacks: ctx.stacks,
      ...FAST,
    },
  });
}

async function scaling(ctx: PassContext, service: string): Promise<void> {
  const targetGroup = await productionTargetGroup(ctx.clients, { cluster: ctx.cluster, service });
  await ctx.runner.run({
    pass: ctx.pass,
    job: 'scaling',
    leg: service,
    action: 'cfn-deploy',
    title: `stack ${ctx.config.environment}-scaling-${service}`,
    inputs: {
      'stack-name': `${ctx.config.environment}-scaling-${service}`,
      template: file('cloudformation', 'scaling.yml'),
      parameters: `EnvironmentName=${ctx.config.environment}\nServiceName=${service}\nTargetGroupArn=${targetGroup}`,
    },
  });
}

/**
 * Runs the deploy workflow's sequence twice (create, then a re-run that finds everything and
 * updates it) and the cleanup workflow twice against a fresh moto server.
 */
export async function rehearse(options: { log: (line: string) => void }): Promise<RehearsalResult> {
  const { log } = options;
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
  try {
    const clients = emulatorClients(moto.endpoint);
    for (const pass of ['create', 'update']) {
      log(`\n== deploy.yml, ${pass} pass`);
      const ctx: PassContext = {
        pass,
        config,
        clients,
        runner,
        workDir,
        commit: 'c0ffee0000000000000000000000000000000001',
        stacks: `network=${config.environment}-network\nplatform=${config.environment}-platform`,
        cluster: `${config.environment}-cluster`,
      };
      const platform = await infra(ctx);
      const images = await build(ctx, platform);
      for (const [service, image] of Object.entries(images)) log(`  ok   build › ${service} recorded as ${image}`);
      const digests = Object.values(images).map((image) => image.split('@')[1]);
      if (pass === 'create' && new Set(digests).size < digests.length) {
        notes.push("moto's PutImage gives every manifest the same digest; the images still differ by repository.");
      }
      await seed(ctx, images.monolith ?? '');
      for (const service of Object.keys(config.services)) await deploy(ctx, service, images[service] ?? '');
      for (const service of Object.keys(config.services)) await scaling(ctx, service);
      for (const problem of sequenceMismatches(DEPLOY_SEQUENCE, runner.actionsByLeg(pass)))
        mismatches.push(`${pass}: ${problem}`);
    }
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
  } finally {
    await moto.stop();
  }
  return { runner, notes, mismatches, finalCleanupCount };
}
