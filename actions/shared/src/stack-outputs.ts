import * as core from '@actions/core';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { awsClientConfig } from './aws.js';

/** A stack's outputs as OutputKey → OutputValue (an output without a value reads as ''). */
export function outputsOf(stack: Pick<Stack, 'Outputs'>): Record<string, string> {
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
}

/**
 * The outputs of a stack as OutputKey → OutputValue, or undefined when the stack does not exist.
 * Other errors (access denied, throttling after retries) propagate.
 */
export async function readStackOutputs(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<Record<string, string> | undefined> {
  try {
    const response = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = response.Stacks?.[0];
    return stack ? outputsOf(stack) : undefined;
  } catch (err) {
    if (err instanceof Error && err.name === 'ValidationError' && /does not exist/.test(err.message)) return undefined;
    throw err;
  }
}

/**
 * A stack-output reader for `resolvePlaceholders({ stackOutputs })` that logs each stack it reads
 * and creates its CloudFormation client only on the first read: a file without `${stack:…}`
 * placeholders then needs no CloudFormation permission at all.
 */
export function stackOutputsReader(options: {
  region: string;
}): (stackName: string) => Promise<Record<string, string> | undefined> {
  let client: CloudFormationClient | undefined;
  return (stackName) => {
    client ??= new CloudFormationClient(awsClientConfig({ region: options.region }));
    core.info(`Reading outputs of stack ${stackName}`);
    return readStackOutputs(client, stackName);
  };
}
