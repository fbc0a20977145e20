import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { JsonObject } from '../../shared/src/json.js';
import { REGISTER_FIELDS } from '../../shared/src/task-definition-fields.js';

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
