import { readFile } from 'node:fs/promises';
import type { Parameter } from '@aws-sdk/client-cloudformation';
import { parse as parseYaml } from 'yaml';

/** Where parameters come from: an optional JSON/YAML file, then `Key=Value` lines that override it. */
export interface ParameterSources {
  file?: string | undefined;
  lines: Record<string, string>;
}

/**
 * Merges the parameters file and the `parameters` lines into CloudFormation's shape.
 * The file may be the CLI shape (`[{ ParameterKey, ParameterValue }]`), a plain map (`{ Key: value }`)
 * or a template configuration file (`{ Parameters: { Key: value } }`). Lists become comma-joined
 * strings (CommaDelimitedList / List<…> parameters).
 */
export async function loadParameters(sources: ParameterSources): Promise<Parameter[]> {
  const fromFile = sources.file ? await readParameterFile(sources.file) : {};
  const merged = { ...fromFile, ...sources.lines };
  return Object.entries(merged).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
}

/**
 * Checks that no parameter is both given a value and reset to its default.
 * @throws naming the parameters that are both.
 */
export function checkResets(parameters: Parameter[], resets: string[]): void {
  const given = new Set(parameters.map((p) => p.ParameterKey));
  const both = resets.filter((name) => given.has(name));
  if (both.length > 0) {
    throw new Error(
      `Input 'reset-parameters': ${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} also given a value ` +
        '(parameters or parameters-file); expected each parameter to be either set or reset. Remove one of the two.',
    );
  }
}

async function readParameterFile(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`expected a parameters file at '${path}', but it could not be read (${(err as Error).message})`);
  }
  const data: unknown = parseYaml(text);
  return normalise(data, path);
}

function normalise(data: unknown, path: string): Record<string, string> {
  if (Array.isArray(data)) {
    const result: Record<string, string> = {};
    for (const item of data) {
      const entry = item as { ParameterKey?: unknown; ParameterValue?: unknown };
      if (typeof entry?.ParameterKey !== 'string') {
        throw new Error(`expected every item of '${path}' to have a ParameterKey, found ${JSON.stringify(item)}`);
      }
      result[entry.ParameterKey] = toValue(entry.ParameterValue);
    }
    return result;
  }
  if (data !== null && typeof data === 'object') {
    const record = data as Record<string, unknown>;
    const map = isPlainObject(record.Parameters) ? record.Parameters : record;
    return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, toValue(value)]));
  }
  throw new Error(
    `expected '${path}' to hold a list of {ParameterKey, ParameterValue} or a map of Key: value, found ${typeof data}`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function toValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(',');
  if (value === null || value === undefined) return '';
  return String(value);
}
