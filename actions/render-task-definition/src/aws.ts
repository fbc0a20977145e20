import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { JsonObject } from './document.js';
import { REGISTER_FIELDS } from './task-definition-fields.js';

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
    if (!stack) return undefined;
    return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } catch (err) {
    if (err instanceof Error && err.name === 'ValidationError' && /does not exist/.test(err.message)) return undefined;
    throw err;
  }
}

export interface LiveRevision {
  arn: string;
  revision: number;
  /** In RegisterTaskDefinition shape, comparable with the rendered definition. */
  definition: JsonObject;
}

/**
 * The latest ACTIVE revision of a family, or undefined when the family has none
 * (ECS answers ClientException "Unable to describe task definition").
 */
export async function readLiveRevision(ecs: ECSClient, family: string): Promise<LiveRevision | undefined> {
  try {
    const response = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ['TAGS'] }));
    const live = response.taskDefinition;
    if (!live) return undefined;
    // Only registrable fields, leniently: a field ECS adds later must not break the comparison.
    const plain = JSON.parse(JSON.stringify(live)) as JsonObject;
    const definition = Object.fromEntries(Object.entries(plain).filter(([key]) => REGISTER_FIELDS.has(key)));
    if (response.tags && response.tags.length > 0) definition.tags = response.tags;
    return { arn: live.taskDefinitionArn ?? family, revision: live.revision ?? 0, definition };
  } catch (err) {
    if (
      err instanceof Error &&
      err.name === 'ClientException' &&
      /unable to describe|not found|missing/i.test(err.message)
    ) {
      return undefined;
    }
    throw err;
  }
}
