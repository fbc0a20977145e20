import * as core from '@actions/core';
import type { Service } from '@aws-sdk/client-ecs';
import { canonical } from '../../shared/src/canonical.js';
import { readDocument } from '../../shared/src/document.js';
import { isObject, type JsonObject } from '../../shared/src/json.js';
import { resolvePlaceholders } from '../../shared/src/placeholders.js';
import { updatableServiceMembers, validateServiceDefinition } from '../../shared/src/service-definition-rules.js';
import { stackOutputsReader } from '../../shared/src/stack-outputs.js';
import type { DeployContext } from './context.js';

/** Fields the action sets from its inputs, whatever the file says. */
const FROM_INPUTS = ['cluster', 'serviceName', 'taskDefinition'];

/** Fields UpdateServiceRequest also accepts: the ones a deploy may change on an existing service (from the ECS model). */
export const UPDATABLE_FIELDS: ReadonlySet<string> = new Set(
  [...updatableServiceMembers()].filter((member) => !FROM_INPUTS.includes(member)),
);

/**
 * Reads the service definition file (CreateService shape, JSON or YAML), resolves placeholders
 * and validates it against the ECS API model and CreateService's cross-member rules (nulls
 * dropped, exact scalar conversions made). Returns an empty definition when no file is given.
 * @throws Error listing every invalid member, or the unresolved placeholders.
 */
export async function readServiceDefinition(context: DeployContext): Promise<JsonObject> {
  const path = context.inputs['service-definition'];
  if (!path) return {};
  const document = await readDocument(path, 'service definition');
  const { document: resolved } = await resolvePlaceholders({
    document,
    stackAliases: context.inputs.stacks,
    env: process.env,
    stackOutputs: stackOutputsReader({ region: context.region }),
  });
  for (const key of FROM_INPUTS) delete resolved[key];
  const { definition, notes } = validateServiceDefinition(resolved, { file: path, provided: FROM_INPUTS });
  for (const note of notes) core.info(`Converted ${note}`);
  return definition;
}

/** True when every field of `want` is present and equal in `have` (lists: same length, each item a subset). */
export function isSubset(want: unknown, have: unknown): boolean {
  if (Array.isArray(want)) {
    return Array.isArray(have) && want.length === have.length && want.every((item, i) => isSubset(item, have[i]));
  }
  if (isObject(want)) {
    return isObject(have) && Object.entries(want).every(([key, value]) => isSubset(value, have[key]));
  }
  return want === have;
}

export interface ServiceUpdatePlan {
  /** Updatable fields whose file value differs from the live service. */
  changed: JsonObject;
  /** Create-only fields whose file value differs from the live service (cannot be applied). */
  createOnly: string[];
}

/**
 * Compares the file with the live service: which updatable fields changed, which create-only
 * fields differ. Empty lists and nulls count as absent (ECS fills in defaults).
 */
export function planServiceUpdate(definition: JsonObject, service: Service): ServiceUpdatePlan {
  const live = JSON.parse(JSON.stringify(service)) as JsonObject;
  const changed: JsonObject = {};
  const createOnly: string[] = [];
  for (const [key, value] of Object.entries(definition)) {
    const want = canonical(value);
    if (want === undefined) continue;
    if (isSubset(want, canonical(live[key]))) continue;
    if (UPDATABLE_FIELDS.has(key)) changed[key] = value;
    else if (key in live) createOnly.push(key);
  }
  return { changed, createOnly };
}
