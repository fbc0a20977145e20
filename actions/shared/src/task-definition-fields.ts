import { isObject, type JsonObject } from './json.js';

/** What RegisterTaskDefinition accepts (RegisterTaskDefinitionRequest, @aws-sdk/client-ecs). */
export const REGISTER_FIELDS: ReadonlySet<string> = new Set([
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'tags',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
]);

/** What DescribeTaskDefinition returns but RegisterTaskDefinition rejects. */
export const READ_ONLY_FIELDS: ReadonlySet<string> = new Set([
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
]);

export interface RegisterShapeResult {
  /** Only fields RegisterTaskDefinition accepts. */
  definition: JsonObject;
  /** Read-only fields that were dropped (a copy of a described revision carries them). */
  removed: string[];
}

/**
 * Turns a task-definition document into RegisterTaskDefinition input. Accepts the plain shape and
 * the `aws ecs describe-task-definition` output (`{ taskDefinition, tags }`), drops read-only fields.
 * @throws Error naming fields that are neither registrable nor known read-only (a typo, usually).
 */
export function toRegisterShape(document: JsonObject, file: string): RegisterShapeResult {
  let source = document;
  if (isObject(document.taskDefinition) && document.family === undefined) {
    source = { ...document.taskDefinition };
    if (Array.isArray(document.tags) && document.tags.length > 0) source.tags = document.tags;
  }
  const definition: JsonObject = {};
  const removed: string[] = [];
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(source)) {
    if (REGISTER_FIELDS.has(key)) definition[key] = value;
    else if (READ_ONLY_FIELDS.has(key)) removed.push(key);
    else unknown.push(key);
  }
  if (unknown.length > 0) {
    throw new Error(
      `task definition '${file}' has field(s) RegisterTaskDefinition does not know: ${unknown.join(', ')}. ` +
        `Expected only: ${[...REGISTER_FIELDS].join(', ')}. Fix the spelling or remove them.`,
    );
  }
  if (Array.isArray(definition.tags) && definition.tags.length === 0) delete definition.tags;
  return { definition, removed };
}
