import { globSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Need } from './iam-evaluate.js';
import { ecsArn, type SampleEnvironment, templateObjectArn } from './iam-samples.js';
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

/**
 * Signing names that are not the service's IAM prefix (SigV4 signs CloudWatch requests as
 * "monitoring", but IAM names its actions cloudwatch:*). A client whose signing name is not an IAM
 * prefix either fails in iam-data, so a missing entry here cannot pass unnoticed.
 */
const iamPrefixOfSigningName: Record<string, string> = { monitoring: 'cloudwatch' };

/** The IAM service prefix of an SDK client: the signing name its auth scheme provider names. */
function servicePrefix(client: string): string {
  const provider = clientFile(client, 'dist-es/auth/httpAuthSchemeProvider.js');
  const name = /name:\s*"([a-z0-9-]+)"/.exec(provider)?.[1];
  if (name === undefined) throw new Error(`${client}: no signing name found in its httpAuthSchemeProvider.`);
  return iamPrefixOfSigningName[name] ?? name;
}

function clientFile(client: string, file: string): string {
  return readFileSync(requireFromActions.resolve(`${client}/package.json`).replace(/package\.json$/, file), 'utf8');
}

/** The command a waiter of an SDK client polls, read from the waiter's own source in the client package. */
function waiterCommand(client: string, waiter: string): string {
  const source = clientFile(client, `dist-es/waiters/waitFor${waiter}.js`);
  const commands = new Set([...source.matchAll(/new\s+([A-Z]\w*)Command\s*\(/g)].map((match) => match[1] ?? ''));
  if (commands.size !== 1) {
    throw new Error(
      `${client} waitUntil${waiter}: expected its waiter to send one command, found ${[...commands].join(', ') || 'none'}.`,
    );
  }
  return [...commands][0] ?? '';
}

/**
 * Every `new XCommand(`, `paginateX(` and `waitUntilX(` of a source whose X is imported from an
 * @aws-sdk/client-* package (a waiter counts as the command it polls). Sources are passed in so a
 * test can add a command to a copy of one.
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
      const [, command, paginated, waiter] = match;
      const name = command ? `${command}Command` : paginated ? `paginate${paginated}` : `waitUntil${waiter}`;
      const client = imported.get(name);
      if (client === undefined) continue;
      calls.push({ file, command: command ?? paginated ?? waiterCommand(client, waiter ?? ''), client });
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

/** A role the deploy workflow hands to ECS: its ARN and the service its trust policy names. */
export interface PassedRole {
  arn: string;
  trustedServices: string[];
}

/** What the calls hand on: the roles ECS is given, and the service-linked role a first service needs. */
function implied(action: string, source: string, env: SampleEnvironment, roles: PassedRole[]): Need[] {
  // A task definition names the roles tasks assume; a service the role ECS itself assumes.
  const passRole = (service: string): Need => {
    const arns = roles.filter((role) => role.trustedServices.includes(service)).map((role) => role.arn);
    if (arns.length === 0) throw new Error(`${source}: no role of the workload stacks trusts ${service}.`);
    return {
      source: `${source} (passes ${arns.map((arn) => arn.split('/').pop()).join(', ')})`,
      owner: 'delivery',
      action: 'iam:PassRole',
      phase: 'call',
      resources: arns,
      context: { 'iam:PassedToService': service },
    };
  };
  const tagOnCreate = (createAction: string, arn: string): Need => ({
    source: `${source} (tags on create)`,
    owner: 'delivery',
    action: 'ecs:TagResource',
    phase: 'call',
    createAction,
    resources: [arn],
  });
  // CloudFormation reads a TemplateURL with the caller's credentials: what cfn-deploy uploads, the
  // role must also be able to read.
  if (action === 's3:PutObject') {
    return [
      {
        source: `${source} (CloudFormation reads the TemplateURL)`,
        owner: 'delivery',
        action: 's3:GetObject',
        phase: 'call',
        resources: [templateObjectArn(env)],
      },
    ];
  }
  if (action === 'ecs:RegisterTaskDefinition') return [passRole('ecs-tasks.amazonaws.com')];
  if (action === 'ecs:RunTask')
    return [passRole('ecs-tasks.amazonaws.com'), tagOnCreate('RunTask', ecsArn(env, 'task'))];
  if (action === 'ecs:CreateService' || action === 'ecs:UpdateService') {
    const linked = serviceLinkedRoles['AWS::ECS::Cluster'];
    const needs = [passRole('ecs.amazonaws.com')];
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

/** Everything the actions and workflows call with the deploy role, as needs; `roles` are the workload stacks' roles. */
export function deliveryNeeds(sources: Record<string, string>, env: SampleEnvironment, roles: PassedRole[]): Need[] {
  const needs: Need[] = [];
  const add = (source: string, action: string) => {
    // The only S3 objects the actions write are cfn-deploy's uploaded templates.
    const resources = action.startsWith('s3:') ? { resources: [templateObjectArn(env)] } : {};
    needs.push(
      { source, owner: 'delivery', action, phase: 'call', ...resources },
      ...implied(action, source, env, roles),
    );
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
