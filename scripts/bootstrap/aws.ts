// The AWS side of `npm run bootstrap`, through the SDK's default credential chain (what `aws
// configure` or `aws sso login` left behind): who is signed in, whether the account already has
// GitHub's identity provider, and the bootstrap stack itself.
import { readFileSync } from 'node:fs';
import {
  type CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  type Parameter,
  type Stack,
  UpdateStackCommand,
  waitUntilStackCreateComplete,
  waitUntilStackUpdateComplete,
} from '@aws-sdk/client-cloudformation';
import { type IAMClient, ListOpenIDConnectProvidersCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { parseCfnYaml } from '@mysfits/cfn-template';

const GITHUB_OIDC = 'token.actions.githubusercontent.com';

export interface CallerIdentity {
  account: string;
  arn: string;
  partition: string;
}

/**
 * Who the SDK's credential chain signs in as.
 * @throws Error saying how to sign the AWS CLI in, when there are no usable credentials.
 */
export async function callerIdentity(sts: STSClient): Promise<CallerIdentity> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    const arn = identity.Arn ?? '';
    return { account: identity.Account ?? '', arn, partition: arn.split(':')[1] ?? 'aws' };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Error(
      `Expected AWS credentials with rights to create IAM roles, found none that work (${reason}): sign the AWS CLI in (\`aws configure\`, \`aws sso login\` or AWS_PROFILE), then run this again.`,
    );
  }
}

/** The ARN of the account's token.actions.githubusercontent.com provider, if it has one. */
export async function githubOidcProvider(iam: IAMClient): Promise<string | undefined> {
  // ListOpenIDConnectProviders has no pagination (no Marker): one page lists them all.
  const { OpenIDConnectProviderList } = await iam.send(new ListOpenIDConnectProvidersCommand({}));
  return (OpenIDConnectProviderList ?? []).find((provider) => provider.Arn?.endsWith(`/${GITHUB_OIDC}`))?.Arn;
}

/** The stack, or undefined when CloudFormation does not know it. */
export async function describeStack(cfn: CloudFormationClient, stackName: string): Promise<Stack | undefined> {
  try {
    const result = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    return result.Stacks?.[0];
  } catch (error) {
    // DescribeStacks answers a ValidationError "Stack with id X does not exist" for an unknown stack.
    if (error instanceof Error && /does not exist/.test(error.message)) return undefined;
    throw error;
  }
}

export interface StackInput {
  stackName: string;
  templatePath: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  timeoutSeconds: number;
}

/**
 * The template body `npm run bootstrap` sends: the YAML file as compact JSON (CloudFormation's long
 * form, no comments or indentation), so the commented template stays readable while the body keeps
 * well within the 51,200-byte inline limit of CreateStack and UpdateStack.
 */
export function templateBody(path: string): string {
  return JSON.stringify(parseCfnYaml(readFileSync(path, 'utf8')));
}

/** What a deploy of the stack would do: create it, update it (saying what differs), or nothing. */
export async function stackChange(
  cfn: CloudFormationClient,
  input: StackInput,
  stack: Stack | undefined,
): Promise<{ kind: 'create' } | { kind: 'update'; why: string[] } | { kind: 'none' }> {
  if (!stack) return { kind: 'create' };
  const status = stack.StackStatus ?? '';
  if (!/_COMPLETE$/.test(status) || status === 'ROLLBACK_COMPLETE' || status === 'DELETE_COMPLETE') {
    throw new Error(
      `Expected stack ${input.stackName} in a *_COMPLETE state to update, found ${status} (${stack.StackStatusReason ?? 'no reason given'}): ${status === 'ROLLBACK_COMPLETE' ? 'delete it (it never got created) and run this again' : 'wait for it or fix it in the CloudFormation console'}.`,
    );
  }
  const why: string[] = [];
  const live = Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? '']));
  for (const [key, value] of Object.entries(input.parameters)) {
    if ((live[key] ?? '') !== value) why.push(`${key} ${JSON.stringify(live[key] ?? '')} → ${JSON.stringify(value)}`);
  }
  const template = await cfn.send(new GetTemplateCommand({ StackName: input.stackName }));
  if (template.TemplateBody !== templateBody(input.templatePath)) why.push('the template changed');
  return why.length > 0 ? { kind: 'update', why } : { kind: 'none' };
}

/**
 * Creates or updates the stack and waits until CloudFormation is done.
 * @throws Error with the stack's final status when it did not complete, or on timeout.
 */
export async function deployStack(
  cfn: CloudFormationClient,
  input: StackInput,
  kind: 'create' | 'update',
): Promise<Stack> {
  const common = {
    StackName: input.stackName,
    TemplateBody: templateBody(input.templatePath),
    Parameters: Object.entries(input.parameters).map(
      ([ParameterKey, ParameterValue]): Parameter => ({ ParameterKey, ParameterValue }),
    ),
    Capabilities: ['CAPABILITY_NAMED_IAM' as const],
    Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })),
  };
  const waiter = { client: cfn, maxWaitTime: input.timeoutSeconds, minDelay: 5, maxDelay: 15 };
  try {
    if (kind === 'create') {
      await cfn.send(new CreateStackCommand({ ...common, OnFailure: 'ROLLBACK' }));
      await waitUntilStackCreateComplete(waiter, { StackName: input.stackName });
    } else {
      await cfn.send(new UpdateStackCommand(common));
      await waitUntilStackUpdateComplete(waiter, { StackName: input.stackName });
    }
  } catch (error) {
    const stack = await describeStack(cfn, input.stackName).catch(() => undefined);
    const state = stack ? `${stack.StackStatus} (${stack.StackStatusReason ?? 'no reason given'})` : 'not found';
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Expected stack ${input.stackName} to ${kind} within ${input.timeoutSeconds} s, found it ${state}: ${message}. Its events in the CloudFormation console say why.`,
    );
  }
  const stack = await describeStack(cfn, input.stackName);
  if (!stack) throw new Error(`Expected stack ${input.stackName} after its ${kind}, found none.`);
  return stack;
}

/** One output of the stack. @throws Error naming the outputs there are. */
export function stackOutput(stack: Stack, key: string): string {
  const value = stack.Outputs?.find((output) => output.OutputKey === key)?.OutputValue;
  if (!value) {
    throw new Error(
      `Expected output ${key} on stack ${stack.StackName}, found ${(stack.Outputs ?? []).map((o) => o.OutputKey).join(', ') || 'none'}.`,
    );
  }
  return value;
}
