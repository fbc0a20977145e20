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
  /** The document without the read-only fields; unknown fields are kept for the model check to name. */
  definition: JsonObject;
  /** Read-only fields that were dropped (a copy of a described revision carries them). */
  removed: string[];
}

/**
 * Turns a task-definition document into RegisterTaskDefinition input. Accepts the plain shape and
 * the `aws ecs describe-task-definition` output (`{ taskDefinition, tags }`), drops read-only fields.
 * Any other unknown field is left in place: `validateTaskDefinition` reports it with its likely
 * meaning (`memorySize: unknown member; did you mean memory?`).
 */
export function toRegisterShape(document: JsonObject): RegisterShapeResult {
  let source = document;
  if (isObject(document.taskDefinition) && document.family === undefined) {
    source = { ...document.taskDefinition };
    if (Array.isArray(document.tags) && document.tags.length > 0) source.tags = document.tags;
  }
  const definition: JsonObject = {};
  const removed: string[] = [];
  for (const [key, value] of Object.entries(source)) {
    if (READ_ONLY_FIELDS.has(key)) removed.push(key);
    else definition[key] = value;
  }
  if (Array.isArray(definition.tags) && definition.tags.length === 0) delete definition.tags;
  return { definition, removed };
}
