// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are IAM and CloudFormation ${} variables, not JavaScript templates.
import { type RequestAnalysis, runSimulation, type StatementExplain } from '@cloud-copilot/iam-simulate';
import type { NamedPolicy } from './deploy-role.js';
import {
  actionFacts,
  boundaryArn,
  clusterArn,
  environmentTagKey,
  fitsAction,
  type SampleEnvironment,
  type SampleResource,
} from './iam-samples.js';

/** When in a resource's life a permission is used: a CloudFormation handler, or a plain API call. */
export type Phase = 'create' | 'update' | 'delete' | 'read' | 'list' | 'call';

/** One permission something of the project needs, and where that need comes from. */
export interface Need {
  /** For the messages: `AWS::EC2::VPC create`, `actions/cleanup/src/ecs.ts DeleteService`, … */
  source: string;
  /** The key of the reasons file: a resource type, or `delivery`. */
  owner: string;
  action: string;
  phase: Phase;
  /** For tag-on-create: the call that creates the resource (`CreateVpc`), its `<service>:CreateAction`. */
  createAction?: string;
  /** Resource ARNs to check; without them, the environment's samples of the action's resource types. */
  resources?: string[];
  /** Request context beyond the tags and the environment's keys (iam:PassedToService, …). */
  context?: Record<string, string | string[]>;
  /** Keys the request does not carry (a role without the boundary has no iam:PermissionsBoundary). */
  absentContext?: string[];
  /** The caller sends no tags: CloudFormation tags only the resources of taggable types (provider schema). */
  untagged?: boolean;
}

export interface Denial {
  need: Need;
  resource: string;
  result: string;
  /** The statement that should have allowed it (or denied it), and why it did not match. */
  closest: string;
}

export interface EvaluateOptions {
  identity: NamedPolicy[];
  boundary?: NamedPolicy;
  env: SampleEnvironment;
  principal: string;
}

function noun(text: string): string {
  return text
    .replace(/\/(app|net|gwy)\/?$/, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

/**
 * Whether this authorisation is on the resource the call creates (which has no tags yet): the
 * call names its type (CreateVpc on vpc, RegisterTaskDefinition on task-definition), or iam-data
 * lists aws:RequestTag but not aws:ResourceTag for the type (AllocateAddress on elastic-ip).
 */
function createsResource(action: string, resource: SampleResource): boolean {
  const name = action.split(':')[1] ?? '';
  const created = /^(Create|Allocate|Register|Run)(.+)$/.exec(name)?.[2];
  if (created === undefined) return false;
  if (noun(created) === noun(resource.type.split(':')[1] ?? '')) return true;
  const keys = resource.conditionKeys;
  return keys.includes('aws:RequestTag/${TagKey}') && !keys.includes('aws:ResourceTag/${TagKey}');
}

/** iam-data types of the environment whose resources carry no stack tag (AWS::IAM::ManagedPolicy is not taggable). */
const untaggedResourceTypes = new Set(['iam:policy']);

function requestContext(need: Need, resource: SampleResource | undefined, env: SampleEnvironment) {
  const context: Record<string, string | string[]> = {};
  const creating = need.phase === 'create' || need.phase === 'call';
  // Every resource of the environment carries the stack tag CloudFormation propagates to it.
  const untaggedResource = resource !== undefined && untaggedResourceTypes.has(resource.type);
  if (!untaggedResource && !(resource && creating && createsResource(need.action, resource))) {
    context[`aws:ResourceTag/${environmentTagKey}`] = env.name;
  }
  const tagging = /:(CreateTags|AddTags|TagResource|TagRole|DeleteTags|RemoveTags|UntagResource|UntagRole)$/.test(
    need.action,
  );
  const sendsTags = need.phase === 'create' || need.phase === 'update' || (need.phase === 'call' && tagging);
  if (sendsTags && !need.untagged) {
    context[`aws:RequestTag/${environmentTagKey}`] = env.name;
    context['aws:TagKeys'] = [environmentTagKey];
  }
  const service = need.action.split(':')[0] ?? '';
  if (need.createAction !== undefined) context[`${service}:CreateAction`] = need.createAction;
  if (service === 'ecs') context['ecs:cluster'] = clusterArn(env);
  if (service === 'iam') context['iam:PermissionsBoundary'] = boundaryArn(env);
  if (service === 'kms') context['kms:CallerAccount'] = env.account;
  // The environment's own buckets are in its account (the deploy role allows no other).
  if (service === 's3') context['s3:ResourceAccount'] = env.account;
  const absent = new Set(need.absentContext);
  return Object.fromEntries(Object.entries({ ...context, ...need.context }).filter(([key]) => !absent.has(key)));
}

function describe(explain: StatementExplain): string {
  const why: string[] = [];
  if (!explain.resourceMatch) why.push('its Resource does not match');
  if (!explain.conditionMatch) why.push('its Condition does not hold');
  return why.join(' and ') || 'it matches';
}

/** The statement that names the action, for the message; or what the policy lacks. */
function closestStatement(analysis: RequestAnalysis | undefined, side: 'identity' | 'boundary'): string {
  const policies = side === 'identity' ? analysis?.identityAnalysis : analysis?.permissionBoundaryAnalysis;
  const label = side === 'identity' ? 'the role' : 'the boundary';
  const deny = policies?.denyStatements[0];
  if (deny) return `denied by ${label}'s ${deny.statement.sid() ?? deny.policyId} (Deny)`;
  const naming = policies?.unmatchedStatements.filter((statement) => statement.actionMatch) ?? [];
  if (naming.length === 0) return `no statement of ${label} names the action`;
  return naming
    .map((statement) => `${label}'s ${statement.statement.sid() ?? statement.policyId}: ${describe(statement.explain)}`)
    .join('; ');
}

async function simulate(need: Need, resource: string, sample: SampleResource | undefined, options: EvaluateOptions) {
  const response = await runSimulation(
    {
      request: {
        principal: options.principal,
        action: need.action,
        resource: { resource, accountId: options.env.account },
        contextVariables: requestContext(need, sample, options.env),
      },
      identityPolicies: options.identity,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(options.boundary ? { permissionBoundaryPolicies: [options.boundary] } : {}),
    },
    {},
  );
  if (response.resultType === 'error') {
    throw new Error(
      `iam-simulate rejected ${need.action} on ${resource} (${need.source}): ${JSON.stringify(response.errors)}`,
    );
  }
  const analysis = response.resultType === 'single' ? response.result.analysis : response.results[0]?.analysis;
  return { result: response.overallResult, analysis };
}

/** Whether an Allow statement on "*" names the pattern itself or a wider one, and no Deny names it. */
function grantsPattern(identity: NamedPolicy[], pattern: string): boolean {
  const covers = (granted: string) =>
    granted === pattern ||
    (granted.includes('*') &&
      new RegExp(`^${granted.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`, 'i').test(pattern));
  const statements = identity.flatMap(({ policy }) => policy.Statement);
  const names = (statement: (typeof statements)[number]) =>
    (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).some(covers);
  const onStar = (statement: (typeof statements)[number]) =>
    (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).includes('*');
  if (statements.some((statement) => statement.Effect === 'Deny' && names(statement))) return false;
  return statements.some(
    (statement) => statement.Effect === 'Allow' && onStar(statement) && names(statement) && !statement.Condition,
  );
}

/** Evaluates every need with iam-simulate; returns the denials (and needs iam-data cannot place). */
export async function evaluateNeeds(needs: Need[], options: EvaluateOptions): Promise<Denial[]> {
  const denials: Denial[] = [];
  for (const need of needs) {
    // A handler's pattern (`autoscaling:Describe*`) is no action iam-simulate can evaluate: the role
    // must grant that very pattern (or a wider one) on "*", else the reasons file says why not.
    if (need.action.includes('*')) {
      if (!grantsPattern(options.identity, need.action)) {
        denials.push({
          need,
          resource: '*',
          result: 'PatternNotGranted',
          closest: 'no statement allows the pattern on "*"',
        });
      }
      continue;
    }
    const facts = await actionFacts(need.action, options.env);
    if (!facts.exists) {
      denials.push({ need, resource: '-', result: 'UnknownAction', closest: 'iam-data has no such action' });
      continue;
    }
    if (facts.unsampledRequired.length > 0 && need.resources === undefined) {
      const closest = `no sample resource for ${facts.unsampledRequired.join(', ')}: add the type to test/templates/iam-samples.ts`;
      denials.push({ need, resource: '-', result: 'NoSample', closest });
      continue;
    }
    // Candidate resources (a type's own, or a statement's) count where they are of the action's types.
    const fitting: string[] = [];
    for (const arn of need.resources ?? []) if (await fitsAction(need.action, arn)) fitting.push(arn);
    const targets: Array<{ arn: string; sample?: SampleResource }> =
      fitting.length > 0
        ? fitting.map((arn) => ({ arn, sample: facts.resources.find((r) => r.arn === arn) }))
        : facts.wildcardOnly || facts.resources.length === 0
          ? [{ arn: '*' }]
          : facts.resources.map((sample) => ({ arn: sample.arn, sample }));
    for (const target of targets) {
      const { result, analysis } = await simulate(need, target.arn, target.sample, options);
      if (result === 'Allowed') continue;
      const boundaryDenies = options.boundary && analysis?.permissionBoundaryAnalysis?.result !== 'Allowed';
      const identityDenies = analysis?.identityAnalysis?.result !== 'Allowed';
      const closest = [
        identityDenies ? closestStatement(analysis, 'identity') : undefined,
        boundaryDenies ? closestStatement(analysis, 'boundary') : undefined,
      ]
        .filter((text) => text !== undefined)
        .join('; ');
      denials.push({ need, resource: target.arn, result, closest });
    }
  }
  return denials;
}

export function formatDenial(denial: Denial): string {
  return `${denial.need.source}: ${denial.need.action} on ${denial.resource} is ${denial.result} (${denial.closest})`;
}
