import {
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { readDocument } from '../../shared/src/document.js';
import { resolvePlaceholders } from '../../shared/src/placeholders.js';
import { stackOutputsReader } from '../../shared/src/stack-outputs.js';
import { toRegisterShape } from '../../shared/src/task-definition-fields.js';
import { validateTaskDefinition } from '../../shared/src/task-definition-rules.js';
import type { DeployContext } from './context.js';

/** An ARN, or `family:revision`: a revision that already exists and is used as is. */
const EXISTING = /^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?[A-Za-z0-9_-]+:\d+$/;

export interface TaskDefinitionResult {
  arn: string;
  family: string;
  /** false when an existing revision was named. */
  registered: boolean;
  /** The registered definition's containers (for run-task's container choice). */
  containers: Array<{ name: string; essential: boolean }>;
}

/** The container names of a revision, and which are essential (ECS's default is essential). */
function containersOf(definition: Pick<TaskDefinition, 'containerDefinitions'>): TaskDefinitionResult['containers'] {
  return (definition.containerDefinitions ?? []).map((c) => ({ name: c.name ?? '', essential: c.essential !== false }));
}

/**
 * Registers the task definition file (placeholders resolved, read-only fields dropped, validated
 * against the ECS API model before anything is sent), or checks that a named revision exists.
 * @throws Error when the file is invalid or the revision does not exist.
 */
export async function prepareTaskDefinition(context: DeployContext): Promise<TaskDefinitionResult> {
  const { ecs, inputs, timeline } = context;
  const input = inputs['task-definition'];
  if (EXISTING.test(input)) {
    const described = await ecs
      .send(new DescribeTaskDefinitionCommand({ taskDefinition: input }))
      .catch((err: Error) => {
        throw new Error(
          `expected task definition ${input} to exist, found: ${err.message}. Register it first or pass the rendered file path instead.`,
        );
      });
    const definition = described.taskDefinition;
    if (!definition?.taskDefinitionArn) throw new Error(`DescribeTaskDefinition returned nothing for ${input}`);
    timeline.note(`Using existing task definition ${definition.taskDefinitionArn}`);
    return {
      arn: definition.taskDefinitionArn,
      family: definition.family ?? '',
      registered: false,
      containers: containersOf(definition),
    };
  }
  const { definition } = toRegisterShape(await readDocument(input, 'task definition'));
  const { document } = await resolvePlaceholders({
    document: definition,
    stackAliases: inputs.stacks,
    env: process.env,
    stackOutputs: stackOutputsReader({ region: context.region }),
  });
  const checked = validateTaskDefinition(document, `task definition '${input}'`);
  for (const note of checked.notes) timeline.note(`Converted ${note}`);
  // Checked against the RegisterTaskDefinitionRequest shape of the ECS model just above.
  const response = await ecs.send(
    new RegisterTaskDefinitionCommand(checked.definition as unknown as RegisterTaskDefinitionCommandInput),
  );
  const registered = response.taskDefinition;
  if (!registered?.taskDefinitionArn) throw new Error('RegisterTaskDefinition returned no task definition ARN');
  timeline.note(`Registered task definition ${registered.taskDefinitionArn}`);
  return {
    arn: registered.taskDefinitionArn,
    family: registered.family ?? '',
    registered: true,
    containers: containersOf(registered),
  };
}
