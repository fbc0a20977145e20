import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CfnResource, type CfnTemplate, readCfnTemplate } from '@mysfits/cfn-template';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const templateDir = fileURLToPath(new URL('../../cloudformation/', import.meta.url));

/** Every template in cloudformation/, by file name. */
export const templateFiles = readdirSync(templateDir)
  .filter((name) => name.endsWith('.yml'))
  .sort();

export function loadTemplate(name: string): CfnTemplate {
  return readCfnTemplate(`${templateDir}${name}`);
}

/** The resources of one type in a template, as [logicalId, resource] pairs. */
export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export function properties(resource: CfnResource | undefined): Record<string, unknown> {
  return resource?.Properties ?? {};
}

/** Wraps a scalar in a list, so `Action: x` and `Action: [x]` read the same. */
export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
