import { globSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Need } from './iam-evaluate.js';
import { ecsArn, roleArn, type SampleEnvironment } from './iam-samples.js';
import { serviceLinkedRoleArn, serviceLinkedRoles } from './needs-cloudformation.js';
import { repoRoot } from './templates.js';

/** The sources whose AWS SDK calls run with the deploy role's credentials. */
export const sdkSourceGlobs = ['actions/*/src/**/*.ts', 'deploy/*.ts'];

export interface SdkCall {
  file: string;
  command: string;
  client: string;
}

const requireFromActions = createRequire(`${repoRoot}actions/package.json`);

/** The IAM service prefix of an SDK client: the signing name its auth scheme provider names. */
function servicePrefix(client: string): string {
  const manifest = requireFromActions.resolve(`${client}/package.json`);
  const provider = readFileSync(manifest.replace(/package\.json$/, 'dist-es/auth/httpAuthSchemeProvider.js'), 'utf8');
  const name = /name:\s*"([a-z0-9-]+)"/.exec(provider)?.[1];
  if (name === undefined) throw new Error(`${client}: no signing name found in its httpAuthSchemeProvider.`);
  return name;
}

/**
 * Every `new XCommand(` and `paginateX(` of a source whose X is imported from an @aws-sdk/client-*
 * package. Sources are passed in so a test can add a command to a copy of one.
 */
export function sdkCalls(sources: Record<string, string>): SdkCall[] {
  const calls: SdkCall[] = [];
  for (const [file, text] of Object.entries(sources)) {
    const imported = new Map<string, string>();
    for (const match of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g)) {
      for (const item of (match[1] ?? '').split(',')) {
        const name = item
          .replace(/^\s*type\s+/, '')
          .split(/\s+as\s+/)
          .pop()
          ?.trim();
        if (name) imported.set(name, match[2] ?? '');
      }
    }
    for (const match of text.matchAll(
      /new\s+([A-Z]\w*)Command\s*\(|\bpaginate([A-Z]\w*)\s*\(|\bwaitUntil([A-Z]\w*)\s*\(/g,
    )) {
      const [whole, command, paginated, waiter] = match;
      const name = command ? `${command}Command` : paginated ? `paginate${paginated}` : `waitUntil${waiter}`;
      const client = imported.get(name);
      if (client === undefined) continue;
      if (waiter) throw new Error(`${file}: ${whole.trim()} is a waiter; teach needs-delivery.ts which call it polls.`);
      calls.push({ file, command: command ?? paginated ?? '', client });
    }
  }
  return calls;
}

export function readSdkSources(): Record<string, string> {
  const files = sdkSourceGlobs.flatMap((pattern) => globSync(pattern, { cwd: repoRoot }));
  return Object.fromEntries(
    files
      .filter((file) => !file.endsWith('.test.ts'))
      .map((file) => [file, readFileSync(`${repoRoot}${file}`, 'utf8')]),
  );
}

/** The IAM prefix of each `aws <service>` the workflows call (the CLI's names, not the SDK's). */
const cliServices: Record<string, string> = {
  cloudformation: 'cloudformation',
  ecr: 'ecr',
  ecs: 'ecs',
  elbv2: 'elasticloadbalancing',
  dynamodb: 'dynamodb',
  logs: 'logs',
  sts: 'sts',
};

/** Every `aws <service> <command>` in the workflows, as `service:Action`. */
export function cliCalls(): Array<{ file: string; action: string }> {
  const calls: Array<{ file: string; action: string }> = [];
  for (const file of globSync('.github/workflows/*.yml', { cwd: repoRoot })) {
    const text = readFileSync(`${repoRoot}${file}`, 'utf8');
    for (const [, service = '', command = ''] of text.matchAll(/\baws ([a-z0-9-]+) ([a-z][a-z0-9-]*)/g)) {
      const prefix = cliServices[service];
      if (prefix === undefined)
        throw new Error(`${file}: aws ${service} ${command}: add the IAM prefix of "${service}" to cliServices.`);
      const action = command.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
      calls.push({ file, action: `${prefix}:${action}` });
    }
  }
  return calls;
}

function workflowsUse(action: string): string[] {
  return globSync('.github/workflows/*.yml', { cwd: repoRoot }).filter((file) =>
    readFileSync(`${repoRoot}${file}`, 'utf8').includes(`uses: ${action}@`),
  );
}

/** Amazon ECR's "Pushing an image" set (plus BatchGetImage, with which buildx checks the manifest). */
const imagePush = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
  'ecr:BatchGetImage',
];

/** What the calls hand on: the roles ECS is given, and the service-linked role a first service needs. */
function implied(action: string, source: string, env: SampleEnvironment): Need[] {
  const passRole = (service: string, roles: string[]): Need => ({
    source: `${source} (passes ${roles.join(', ')})`,
    owner: 'delivery',
    action: 'iam:PassRole',
    phase: 'call',
    resources: roles.map((role) => roleArn(env, role)),
    context: { 'iam:PassedToService': service },
  });
  const taskRoles = ['MonolithExecutionRole', 'MonolithTaskRole', 'LikeExecutionRole', 'LikeTaskRole'];
  const tagOnCreate = (createAction: string, arn: string): Need => ({
    source: `${source} (tags on create)`,
    owner: 'delivery',
    action: 'ecs:TagResource',
    phase: 'call',
    createAction,
    resources: [arn],
  });
  if (action === 'ecs:RegisterTaskDefinition') return [passRole('ecs-tasks.amazonaws.com', taskRoles)];
  if (action === 'ecs:RunTask') {
    return [passRole('ecs-tasks.amazonaws.com', taskRoles), tagOnCreate('RunTask', ecsArn(env, 'task'))];
  }
  if (action === 'ecs:CreateService' || action === 'ecs:UpdateService') {
    const linked = serviceLinkedRoles['AWS::ECS::Cluster'];
    const needs = [passRole('ecs.amazonaws.com', ['EcsInfrastructureRole'])];
    if (action === 'ecs:CreateService') needs.push(tagOnCreate('CreateService', ecsArn(env, 'service')));
    if (action === 'ecs:CreateService' && linked) {
      needs.push({
        source: `${source} (first service of the account)`,
        owner: 'delivery',
        action: 'iam:CreateServiceLinkedRole',
        phase: 'call',
        resources: [serviceLinkedRoleArn(env, linked.service, linked.role)],
        context: { 'iam:AWSServiceName': linked.service },
      });
    }
    return needs;
  }
  return [];
}

/**
 * Calls other work on issue 9 adds to the actions (service tags, revisions, termination protection,
 * removing a REVIEW_IN_PROGRESS stack): allowed ahead, so the proof holds once they land. The
 * scan finds them too once they are in the sources.
 */
export const announcedCalls = [
  'ecs:TagResource',
  'ecs:UntagResource',
  'ecs:ListTagsForResource',
  'ecs:ListServiceDeployments',
  'ecs:DescribeServiceDeployments',
  'ecs:StopServiceDeployment',
  'ecs:DescribeServiceRevisions',
  'ecs:ListTasks',
  'ecs:DescribeTasks',
  'ecs:RunTask',
  'cloudformation:UpdateTerminationProtection',
  'cloudformation:DeleteStack',
  'cloudformation:DescribeStackEvents',
];

/** Everything the actions and workflows call with the deploy role, as needs. */
export function deliveryNeeds(sources: Record<string, string>, env: SampleEnvironment): Need[] {
  const needs: Need[] = [];
  const add = (source: string, action: string) => {
    needs.push({ source, owner: 'delivery', action, phase: 'call' }, ...implied(action, source, env));
  };
  for (const call of sdkCalls(sources))
    add(`${call.file} ${call.command}`, `${servicePrefix(call.client)}:${call.command}`);
  for (const action of announcedCalls) add('announced by issue 9 §2', action);
  for (const call of cliCalls()) add(`${call.file} aws ${call.action}`, call.action);
  for (const file of workflowsUse('aws-actions/amazon-ecr-login'))
    add(`${file} amazon-ecr-login`, 'ecr:GetAuthorizationToken');
  for (const file of workflowsUse('docker/build-push-action')) {
    for (const action of imagePush) add(`${file} build-push-action (push)`, action);
  }
  return needs;
}
